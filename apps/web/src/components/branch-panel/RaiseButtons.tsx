import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export type RaiseType = 'panic' | 'duress';

interface RaiseButtonsProps {
  /** Resolves once the branch raised it; rejects with the reason it could not. */
  onRaise: (type: RaiseType) => Promise<void>;
}

/**
 * The panic and duress buttons. Each asks for a confirmation first (a panel
 * on a counter gets touched by accident), then raises the alarm at the
 * branch, so it travels the same durable path as the alarm panel's own.
 * Duress is the quiet one: a small, plain button.
 */
export function RaiseButtons({ onRaise }: RaiseButtonsProps) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState<RaiseType | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const raise = async (type: RaiseType): Promise<void> => {
    setBusy(true);
    setFailure(null);
    try {
      await onRaise(type);
      setConfirming(null);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="raise-buttons" aria-label={t('branchPanel.panic')}>
      <button
        type="button"
        className="raise-button raise-button--panic"
        data-testid="raise-panic"
        onClick={() => {
          setFailure(null);
          setConfirming('panic');
        }}
      >
        <span className="raise-button__label">{t('branchPanel.panic')}</span>
        <span className="raise-button__hint">{t('branchPanel.panicHint')}</span>
      </button>
      <button
        type="button"
        className="raise-button raise-button--duress"
        data-testid="raise-duress"
        onClick={() => {
          setFailure(null);
          setConfirming('duress');
        }}
      >
        <span className="raise-button__label">{t('branchPanel.duress')}</span>
        <span className="raise-button__hint">{t('branchPanel.duressHint')}</span>
      </button>
      {failure !== null && confirming === null ? (
        <p className="notice notice--error" role="alert" data-testid="raise-failure">
          {t('branchPanel.raiseFailed', { message: failure })}
        </p>
      ) : null}
      {confirming !== null ? (
        <ConfirmRaiseDialog
          type={confirming}
          busy={busy}
          failure={failure}
          onConfirm={() => void raise(confirming)}
          onCancel={() => {
            if (!busy) {
              setConfirming(null);
              setFailure(null);
            }
          }}
        />
      ) : null}
    </section>
  );
}

interface ConfirmRaiseDialogProps {
  type: RaiseType;
  busy: boolean;
  failure: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

function ConfirmRaiseDialog({ type, busy, failure, onConfirm, onCancel }: ConfirmRaiseDialogProps) {
  const { t } = useTranslation();
  const cancel = useRef<HTMLButtonElement>(null);
  // Focus on cancel: a second stray touch or Enter must not raise the alarm.
  useEffect(() => cancel.current?.focus(), []);
  const title = type === 'panic' ? t('branchPanel.confirmPanicTitle') : t('branchPanel.confirmDuressTitle');
  const text = type === 'panic' ? t('branchPanel.confirmPanicText') : t('branchPanel.confirmDuressText');
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div
        className={`modal raise-dialog raise-dialog--${type}`}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="raise-dialog-title"
        data-testid="raise-dialog"
        data-type={type}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            onCancel();
          }
        }}
      >
        <h2 id="raise-dialog-title" className="modal__title">
          {title}
        </h2>
        <p>{text}</p>
        {failure !== null ? (
          <p className="notice notice--error" role="alert" data-testid="raise-failure">
            {t('branchPanel.raiseFailed', { message: failure })}
          </p>
        ) : null}
        <div className="modal__buttons">
          <button ref={cancel} type="button" className="button" data-testid="raise-cancel" onClick={onCancel}>
            {t('branchPanel.cancel')}
          </button>
          <button
            type="button"
            className={type === 'panic' ? 'button button--danger' : 'button button--primary'}
            data-testid="raise-confirm"
            disabled={busy}
            onClick={onConfirm}
          >
            {busy ? t('branchPanel.raising') : t('branchPanel.confirmRaise')}
          </button>
        </div>
      </div>
    </div>
  );
}
