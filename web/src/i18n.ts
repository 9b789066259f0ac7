/* Two languages, Simplified Chinese and English. The choice made with the
 * switch is kept in localStorage; without one, the browser's language
 * decides (any zh* is Chinese, everything else English). */
import { createI18n } from 'vue-i18n';
import en from '@/locales/en';
import zhCN from '@/locales/zh-CN';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const KEY = 'cg.locale';

export function pickLocale(stored: string | null, browser: readonly string[]): Locale {
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  for (const lang of browser) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

function storedLocale(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: pickLocale(storedLocale(), typeof navigator !== 'undefined' ? navigator.languages ?? [] : []),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(KEY, locale);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/* Dates as the reader's language writes them, in their time zone. */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(i18n.global.locale.value, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}
