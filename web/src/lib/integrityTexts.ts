/* The integrity pages' texts (src/locales/integrity-*.ts), merged into the
 * console's messages when the first page that imports this module loads:
 * every integrity page does, and no other page carries them, so the
 * entry's JavaScript stays within its budget (web_budget) however much
 * the integrity pages say. The menu's labels stay in the main texts. */
import { i18n } from '@/i18n';
import en from '@/locales/integrity-en';
import zhCN from '@/locales/integrity-zh-CN';

i18n.global.mergeLocaleMessage('en', en as never);
i18n.global.mergeLocaleMessage('zh-CN', zhCN as never);

export const INTEGRITY_MESSAGES = { en, 'zh-CN': zhCN };
