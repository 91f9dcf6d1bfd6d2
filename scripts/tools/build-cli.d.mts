/** Types of build-cli.mjs (imported by the unit tests' global setup). */
export declare const OUT_DIR: string;
export declare function buildCli(options?: { quiet?: boolean }): Promise<void>;
