// vue-i18n: Chinese by default; the header's switch picks English and the
// choice is kept in localStorage.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.js';
import en from './en.js';

const KEY = 'fazhi.lang';

function saved() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

export const i18n = createI18n({
  legacy: false,
  locale: saved() === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLocale(lang) {
  i18n.global.locale.value = lang;
  try { localStorage.setItem(KEY, lang); } catch { /* private mode */ }
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}
