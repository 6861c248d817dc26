import type { PanelZone } from '@bsm/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTimestamp } from '../../format/date-time';
import { ArmCodeDialog } from './ArmCodeDialog';

interface ZoneArmingProps {
  /** null while the branch's alarm panel cannot be read. */
  zones: readonly PanelZone[] | null;
  /** Alarm input id → its name, from the branch's catalog. */
  inputNames: ReadonlyMap<string, string>;
  /** Resolves when the branch confirmed the change; rejects with why not (e.g. a wrong code). */
  onArm: (zone: string, armed: boolean, code: string) => Promise<void>;
}

/** The alarm panel's zones: armed or not, since when and by whom, and the button that changes it with the code. */
export function ZoneArming({ zones, inputNames, onArm }: ZoneArmingProps) {
  const { t, i18n } = useTranslation();
  const [changing, setChanging] = useState<{ zone: string; armed: boolean } | null>(null);
  if (zones === null) {
    return (
      <p className="panel-empty" data-testid="zones-unknown">
        {t('branchPanel.zonesUnknown')}
      </p>
    );
  }
  if (zones.length === 0) {
    return <p className="panel-empty">{t('branchPanel.zonesEmpty')}</p>;
  }
  return (
    <>
      <ul className="zone-list" data-testid="zone-list">
        {zones.map((zone) => (
          <li
            key={zone.zone}
            className={`zone-row${zone.armed ? ' zone-row--armed' : ''}`}
            data-testid="zone-row"
            data-zone={zone.zone}
            data-armed={zone.armed}
          >
            <div className="zone-row__what">
              <span className="zone-row__name">{t('branchPanel.zoneName', { zone: zone.zone })}</span>
              <span className="zone-row__inputs muted">
                {zone.inputs.map((id) => inputNames.get(id) ?? id).join('、')}
              </span>
            </div>
            <div className="zone-row__state">
              <span className="zone-row__badge">{zone.armed ? t('branchPanel.armed') : t('branchPanel.disarmed')}</span>
              {zone.since !== null ? (
                <span className="zone-row__since muted">
                  {t('branchPanel.armedSince', {
                    time: formatTimestamp(zone.since, i18n.language),
                    by: zone.by ?? '—',
                  })}
                </span>
              ) : null}
            </div>
            <button
              type="button"
              className="button"
              data-testid="zone-toggle"
              onClick={() => setChanging({ zone: zone.zone, armed: !zone.armed })}
            >
              {zone.armed ? t('branchPanel.disarm') : t('branchPanel.arm')}
            </button>
          </li>
        ))}
      </ul>
      {changing !== null ? (
        <ArmCodeDialog
          zone={changing.zone}
          armed={changing.armed}
          onConfirm={async (code) => {
            await onArm(changing.zone, changing.armed, code);
            setChanging(null);
          }}
          onCancel={() => setChanging(null)}
        />
      ) : null}
    </>
  );
}
