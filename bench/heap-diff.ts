/**
 * `node dist/bench/heap-diff.js BEFORE.heapsnapshot AFTER.heapsnapshot [--top N]`: what a process
 * holds at the second snapshot that it did not hold at the first. Node ids are stable within one
 * process, so objects whose id is new in AFTER were allocated between the snapshots and survived the
 * full collection that writing a snapshot runs. Groups them by type and constructor name, largest
 * count first, and prints one retainer chain for the top groups.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
};

type Graph = {
  s: Snapshot;
  nodeSize: number;
  count: number;
  idIndex: Map<number, number>;
  /** For each node index, one retaining (from) node index, or -1. */
  retainer: Int32Array;
  retainerEdgeName: string[];
};

function load(file: string): Graph {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const nodeSize = nf.length;
  const edgeSize = ef.length;
  const count = s.nodes.length / nodeSize;
  const idIndex = new Map<number, number>();
  const idOff = nf.indexOf('id');
  const ecOff = nf.indexOf('edge_count');
  const toOff = ef.indexOf('to_node');
  const typeOff = ef.indexOf('type');
  const nameOff = ef.indexOf('name_or_index');
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const retainer = new Int32Array(count).fill(-1);
  const retainerEdgeName: string[] = new Array(count);
  let edge = 0;
  for (let i = 0; i < count; i += 1) {
    idIndex.set(s.nodes[i * nodeSize + idOff]!, i);
    const edges = s.nodes[i * nodeSize + ecOff]!;
    for (let e = 0; e < edges; e += 1, edge += edgeSize) {
      const to = s.edges[edge + toOff]! / nodeSize;
      const type = edgeTypes[s.edges[edge + typeOff]!];
      if (type === 'weak' || type === 'shortcut') continue;
      if (retainer[to] === -1) {
        retainer[to] = i;
        const n = s.edges[edge + nameOff]!;
        retainerEdgeName[to] = type === 'element' || type === 'hidden' ? `[${n}]` : (s.strings[n] ?? String(n));
      }
    }
  }
  return { s, nodeSize, count, idIndex, retainer, retainerEdgeName };
}

function describe(g: Graph, i: number): { key: string; size: number; id: number } {
  const nf = g.s.snapshot.meta.node_fields;
  const base = i * g.nodeSize;
  const type = g.s.snapshot.meta.node_types[0][g.s.nodes[base + nf.indexOf('type')]!]!;
  const name = g.s.strings[g.s.nodes[base + nf.indexOf('name')]!]!;
  const key = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${name}` : type === 'string' || type === 'concatenated string' || type === 'sliced string' ? `(${type})` : `${type} ${name.slice(0, 60)}`;
  return { key, size: g.s.nodes[base + nf.indexOf('self_size')]!, id: g.s.nodes[base + nf.indexOf('id')]! };
}

function chain(g: Graph, i: number, depth = 12): string {
  const parts: string[] = [];
  let at = i;
  for (let d = 0; d < depth && at >= 0; d += 1) {
    const { key } = describe(g, at);
    parts.push(`${key}${d > 0 ? '' : ''}`);
    const up = g.retainer[at]!;
    if (up >= 0) parts.push(`  .${g.retainerEdgeName[at]} ←`);
    at = up;
  }
  return parts.join('');
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true, strict: true });
if (positionals.length !== 2) throw new Error('usage: heap-diff BEFORE.heapsnapshot AFTER.heapsnapshot [--top N]');
const before = load(positionals[0]!);
const beforeIds = new Set(before.idIndex.keys());
before.s.nodes = [];
const after = load(positionals[1]!);
const groups = new Map<string, { count: number; size: number; sample: number }>();
let totalNew = 0;
for (let i = 0; i < after.count; i += 1) {
  const { key, size, id } = describe(after, i);
  if (beforeIds.has(id)) continue;
  totalNew += size;
  const group = groups.get(key) ?? { count: 0, size: 0, sample: i };
  group.count += 1;
  group.size += size;
  groups.set(key, group);
}
const top = [...groups.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, Number(values.top));
process.stdout.write(`new objects surviving: ${(totalNew / 1024).toFixed(1)} KiB in ${[...groups.values()].reduce((a, g) => a + g.count, 0)} objects\n`);
for (const [key, g] of top) {
  process.stdout.write(`${String(g.count).padStart(7)} ${(g.size / 1024).toFixed(1).padStart(9)} KiB  ${key}\n      ${chain(after, g.sample)}\n`);
}
