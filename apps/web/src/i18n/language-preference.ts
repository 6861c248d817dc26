import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, type Language } from './messages';

const STORAGE_KEY = 'bsm.language';

const isLanguage = (value: string | null): value is Language =>
  value !== null && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);

/** The officer's chosen language, or zh-CN. A storage that throws (privacy mode) must not stop the console. */
export function readLanguagePreference(storage: Pick<Storage, 'getItem'> | undefined): Language {
  try {
    const stored = storage?.getItem(STORAGE_KEY) ?? null;
    return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function writeLanguagePreference(storage: Pick<Storage, 'setItem'> | undefined, language: Language): void {
  try {
    storage?.setItem(STORAGE_KEY, language);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}

/** The language the switch offers next (two languages: the other one). */
export const otherLanguage = (language: Language): Language => (language === 'zh-CN' ? 'en' : 'zh-CN');
