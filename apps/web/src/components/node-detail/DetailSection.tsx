import type { ReactNode } from 'react';

/** A titled block of the drawer with its item count; says "none" when empty. */
export function DetailSection({
  title,
  count,
  empty,
  children,
}: {
  title: string;
  count: number;
  empty: string;
  children: ReactNode;
}) {
  return (
    <section className="detail-section">
      <h3 className="detail-section__title">
        {title} <span className="detail-section__count">{count}</span>
      </h3>
      {count === 0 ? <p className="detail-section__empty">{empty}</p> : children}
    </section>
  );
}
