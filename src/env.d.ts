/// <reference types="vite/client" />

/** Defined (true) in the built CLI (scripts/tools/build-cli.mjs); absent when running the sources. */
declare const __PIXEL_LOOM_BUILD__: boolean | undefined;
