import type { zhCN } from './zh-CN';

/** The literal types of zh-CN widened to `string`, so another language can fill the same keys with its own words. */
type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export type Messages = Widen<typeof zhCN>;

export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';
