import { DISPOSITIONS, type AlarmView, type Disposition, type Permission } from '@bsm/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { missingSteps, refusalFor } from '../../alarm/alarm-actions';
import { refusalText } from './alarm-texts';

interface CloseDialogProps {
  alarm: AlarmView;
  /** What the officer holds; the buttons follow the center's rules. */
  held: readonly Permission[];
  busy: boolean;
  /** Resolves true once the center closed it. */
  onConfirm: (disposition: Disposition, note: string) => Promise<boolean>;
  onCancel: () => void;
}

/**
 * Closing asks how the alarm ended and a note. The confirm button stays
 * disabled, saying why, until the center's rule would accept it: a genuine
 * alarm needs every procedure step done, and the missing ones are listed.
 */
export function CloseDialog({ alarm, held, busy, onConfirm, onCancel }: CloseDialogProps) {
  const { t } = useTranslation();
  const [disposition, setDisposition] = useState<Disposition | undefined>(undefined);
  const [note, setNote] = useState('');
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => firstField.current?.focus(), []);
  const refusal = refusalFor(alarm, held, 'close', { disposition, note });
  const missing = disposition === 'genuine' ? missingSteps(alarm) : [];
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <form
        className="modal close-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="close-dialog-title"
        data-testid="close-dialog"
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            onCancel();
          }
        }}
        onSubmit={(event) => {
          event.preventDefault();
          if (refusal === null && disposition !== undefined && !busy) {
            void onConfirm(disposition, note.trim());
          }
        }}
      >
        <h2 id="close-dialog-title" className="modal__title">
          {t('closeDialog.title')}
        </h2>
        <fieldset className="close-dialog__dispositions">
          <legend>{t('closeDialog.disposition')}</legend>
          {DISPOSITIONS.map((option, index) => (
            <label key={option} className="close-dialog__disposition">
              <input
                ref={index === 0 ? firstField : undefined}
                type="radio"
                name="disposition"
                value={option}
                data-testid={`close-disposition-${option}`}
                checked={disposition === option}
                onChange={() => setDisposition(option)}
              />
              {t(`disposition.${option}`)}
            </label>
          ))}
        </fieldset>
        {missing.length > 0 ? (
          <div className="close-dialog__missing" data-testid="close-missing-steps">
            <p>{t('closeDialog.missingSteps')}</p>
            <ul>
              {missing.map((step) => (
                <li key={step} data-step={step}>
                  {t(`procedureStep.${step}`)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <label className="close-dialog__note">
          {t('closeDialog.note')}
          <textarea
            className="text-input"
            data-testid="close-note"
            rows={3}
            maxLength={1000}
            placeholder={t('closeDialog.notePlaceholder')}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
        {refusal !== null ? (
          <p className="close-dialog__refusal" data-testid="close-refusal" data-refusal={refusal.kind}>
            {refusalText(refusal, t)}
          </p>
        ) : null}
        <div className="modal__buttons">
          <button type="button" className="button" data-testid="close-cancel" onClick={onCancel}>
            {t('closeDialog.cancel')}
          </button>
          <button
            type="submit"
            className="button button--danger"
            data-testid="close-confirm"
            disabled={refusal !== null || busy}
          >
            {t('closeDialog.confirm')}
          </button>
        </div>
      </form>
    </div>
  );
}
