/** Drift statistics (pure, deterministic: usable from workflows and activities). */
export * from './special';
export { smirnovSf } from './kolmogorov';
export { kstwoSf } from './kstwo';
export * from './ks';
export * from './categorical';
export * from './distance';
export * from './columns';
