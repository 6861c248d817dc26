import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Refusal } from '../../alarm/alarm-actions';
import { refusalText } from './alarm-texts';

interface NoteBoxProps {
  /** Why a note with this text would be refused (empty text, role, …), or null. */
  refusalFor: (note: string) => Refusal | null;
  busy: boolean;
  /** Resolves true once the center stored it; the box is emptied then. */
  onAdd: (note: string) => Promise<boolean>;
}

/** A free-text note on the alarm's record (action `note`), allowed in every status. */
export function NoteBox({ refusalFor, busy, onAdd }: NoteBoxProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const refusal = refusalFor(text);
  return (
    <form
      className="note-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (refusal === null && !busy) {
          void onAdd(text.trim()).then((stored) => {
            if (stored) {
              setText('');
            }
          });
        }
      }}
    >
      <textarea
        className="text-input note-box__text"
        data-testid="alarm-note"
        rows={2}
        maxLength={1000}
        placeholder={t('alarmDetail.notePlaceholder')}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button
        type="submit"
        className="button"
        data-testid="alarm-add-note"
        disabled={refusal !== null || busy}
        title={refusal === null ? undefined : refusalText(refusal, t)}
      >
        {t('alarmDetail.addNote')}
      </button>
    </form>
  );
}
