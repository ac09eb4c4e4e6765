// Reads a JSON array of Mermaid flowcharts on stdin; prints, for each, what Mermaid's own parser
// made of it: {"vertices": [[id, text, shape, classes]], "edges": [[from, to, text, type]]}, or
// {"error": message}. Entity codes (#34;) are decoded and <br/> becomes a newline, as when drawn.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

const decode = (text) =>
  (text ?? '')
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/<br\s*\/?>/g, '\n');

async function parse(text) {
  try {
    await mermaid.parse(text);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
    return {
      vertices: [...db.getVertices().values()].map((v) => [v.id, decode(v.text), v.type ?? null, v.classes]),
      edges: db.getEdges().map((e) => [e.start, e.end, decode(e.text), e.stroke]),
    };
  } catch (error) {
    return { error: String(error.message).split('\n')[0] };
  }
}

const results = [];
for (const text of JSON.parse(readFileSync(0, 'utf8'))) results.push(await parse(text));
process.stdout.write(JSON.stringify(results));
