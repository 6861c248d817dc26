import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../../api/center-api';

interface OpenConsoleButtonProps {
  api: CenterApi;
  centerId: string;
}

/**
 * 进入该中心控制台: the console of a center below, in a new tab, signed in
 * with a one-use ticket from this center (single sign-on), so the officer
 * does not sign in again.
 */
export function OpenConsoleButton({ api, centerId }: OpenConsoleButtonProps) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    // Opened before the request, so the browser sees a click and does not block the tab.
    const tab = window.open('about:blank', '_blank');
    try {
      const { url } = await api.ssoTicket(centerId);
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else {
        window.location.assign(url);
      }
    } catch (error) {
      tab?.close();
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="open-console">
      <button
        type="button"
        className="button button--primary"
        data-testid="open-center-console"
        disabled={busy}
        onClick={() => void open()}
      >
        {t('detail.openConsole')}
      </button>
      {failure !== null ? (
        <p className="notice notice--error" role="alert">
          {t('detail.openConsoleFailed', { message: failure })}
        </p>
      ) : null}
    </div>
  );
}
