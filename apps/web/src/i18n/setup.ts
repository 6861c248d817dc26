import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { readLanguagePreference, writeLanguagePreference } from './language-preference';
import { DEFAULT_LANGUAGE, type Language } from './messages';
import { zhCN } from './zh-CN';

const storage = (): Storage | undefined => (typeof window === 'undefined' ? undefined : window.localStorage);

/** Starts i18next synchronously with both languages bundled (nothing is fetched at run time). */
export function setUpI18n(): typeof i18next {
  const language = readLanguagePreference(storage());
  void i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    initAsync: false,
    // React escapes what it renders; escaping here too would show "&lt;" in names.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
  return i18next;
}

export function changeLanguage(language: Language): void {
  writeLanguagePreference(storage(), language);
  document.documentElement.lang = language;
  void i18next.changeLanguage(language);
}

export const currentLanguage = (): Language => (i18next.language === 'en' ? 'en' : 'zh-CN');
