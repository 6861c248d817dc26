import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage } from '../i18n/setup';
import { otherLanguage } from '../i18n/language-preference';

/** One button that offers the other language, named in that language. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const next = otherLanguage(currentLanguage());
  return (
    <button
      type="button"
      className="button button--ghost"
      data-testid="lang-switch"
      lang={next}
      title={t('language.switchTo')}
      onClick={() => changeLanguage(next)}
    >
      {t(`language.${next}`)}
    </button>
  );
}
