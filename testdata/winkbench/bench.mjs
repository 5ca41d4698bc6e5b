// Peer benchmark for feeds/claim/lang: wink-nlp (with wink-eng-lite-web-model)
// tokenizes, tags and finds entities in the raw text of UD English EWT dev,
// the sentences BenchmarkTag and BenchmarkParse run on, on one core.
//
//   cd testdata/winkbench && npm install && node bench.mjs ../../../shared/corpora/ud-english-ewt/en_ewt-ud-dev.conllu
//
// It prints tokens per second in the format of a Go benchmark line, so the
// two can be read side by side. Not run by CI: it needs npm packages.
import { readFileSync } from 'node:fs';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench.mjs FILE.conllu');
  process.exit(2);
}
const text = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('# text = '))
  .map((l) => l.slice('# text = '.length))
  .join('\n');
const nlp = winkNLP(model);
const its = nlp.its;

function once() {
  const doc = nlp.readDoc(text);
  const pos = doc.tokens().out(its.pos);
  doc.entities().out();
  return pos.length;
}

once(); // warm up the JIT
let tokens = 0;
const start = process.hrtime.bigint();
let runs = 0;
while (process.hrtime.bigint() - start < 5_000_000_000n) {
  tokens += once();
  runs++;
}
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`BenchmarkWinkNLP\t${runs}\t${Math.round((secs * 1e9) / runs)} ns/op\t${Math.round(tokens / secs)} tokens/s\t${Math.round(process.memoryUsage().rss / 1048576)} RSS-MiB`);
