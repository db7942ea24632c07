// Preloaded (`node --import`) into every cold-start process: prints, at exit, the milliseconds from
// before the script's module graph loads to the end, as JSON on stderr's last line. Node's own
// start-up, which varies by tens of milliseconds between processes here, is left out.
const start = performance.now();
process.on("exit", () => process.stderr.write(`\n{"inProcessMs":${performance.now() - start}}\n`));
