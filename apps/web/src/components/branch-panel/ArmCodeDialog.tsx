import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiRequestError } from '../../api/api-request-error';

interface ArmCodeDialogProps {
  zone: string;
  /** What the zone will be once confirmed. */
  armed: boolean;
  onConfirm: (code: string) => Promise<void>;
  onCancel: () => void;
}

const CODE = /^\d{4,8}$/;

/** Asks for the branch's arming code; the branch checks it, and a wrong one is said so without closing. */
export function ArmCodeDialog({ zone, armed, onConfirm, onCancel }: ArmCodeDialogProps) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const valid = CODE.test(code);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await onConfirm(code);
    } catch (error) {
      setCode('');
      setFailure(
        error instanceof ApiRequestError && error.code === 'wrong_code'
          ? t('branchPanel.wrongCode')
          : t('branchPanel.armFailed', { message: error instanceof Error ? error.message : String(error) }),
      );
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <form
        className="modal arm-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="arm-dialog-title"
        data-testid="arm-dialog"
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            onCancel();
          }
        }}
        onSubmit={(event) => {
          event.preventDefault();
          if (valid && !busy) {
            void submit();
          }
        }}
      >
        <h2 id="arm-dialog-title" className="modal__title">
          {armed ? t('branchPanel.codeTitleArm', { zone }) : t('branchPanel.codeTitleDisarm', { zone })}
        </h2>
        <label className="arm-dialog__code">
          {t('branchPanel.code')}
          <input
            ref={field}
            className="text-input"
            data-testid="arm-code"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            placeholder={t('branchPanel.codeHint')}
            value={code}
            onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
          />
        </label>
        {failure !== null ? (
          <p className="notice notice--error" role="alert" data-testid="arm-failure">
            {failure}
          </p>
        ) : null}
        <div className="modal__buttons">
          <button type="button" className="button" data-testid="arm-cancel" onClick={onCancel}>
            {t('branchPanel.cancel')}
          </button>
          <button type="submit" className="button button--primary" data-testid="arm-confirm" disabled={!valid || busy}>
            {t('branchPanel.confirm')}
          </button>
        </div>
      </form>
    </div>
  );
}
