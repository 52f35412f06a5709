// Child process of the ELF fuzzer: `node elf_worker.js SEED FIRST COUNT BUDGET` runs mutants
// FIRST..FIRST+COUNT-1 and prints one JSON ElfResult per line, each as soon as it is known, so the
// parent can tell which mutant a crash or hang belongs to.
import { fuzzOneElf, loadBases } from './elf_fuzz.js';

const [seed, first, count, budget] = process.argv.slice(2).map(Number);
if (budget === undefined || !(count! >= 0)) {
  process.stdout.write('usage: elf_worker.js SEED FIRST COUNT BUDGET (started by elf_driver.js)\n');
  process.exit(0);
}
const bases = loadBases();
for (let i = first!; i < first! + count!; i++) {
  // Announce the mutant first: if it kills or hangs this process, the parent knows which one.
  process.stdout.write(JSON.stringify({ start: i }) + '\n');
  const r = await fuzzOneElf(bases, seed!, i, budget);
  process.stdout.write(JSON.stringify(r) + '\n');
}
