/** The languages the app speaks (the URL's `lang`); the catalogues are in en.ts and pl.ts. */
export const LANGS = ['en', 'pl'] as const;
export type Lang = (typeof LANGS)[number];
