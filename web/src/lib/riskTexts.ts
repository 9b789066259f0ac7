/* The risk pages' texts (src/locales/risk-*.ts), merged into the
 * console's messages when the first page that imports this module loads:
 * every risk page does, and no other page carries them, so the entry's
 * JavaScript stays within its budget. The menu's labels stay in the main
 * texts. */
import { i18n } from '@/i18n';
import en from '@/locales/risk-en';
import zhCN from '@/locales/risk-zh-CN';

i18n.global.mergeLocaleMessage('en', en as never);
i18n.global.mergeLocaleMessage('zh-CN', zhCN as never);

export const RISK_MESSAGES = { en, 'zh-CN': zhCN };
