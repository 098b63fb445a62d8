#!/usr/bin/env node
// Regenerates the README's environment table from .env.example (between the env-table markers).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './lib/proc.mjs';

const example = readFileSync(resolve(ROOT, '.env.example'), 'utf8').split('\n');
const rows = [];
let comments = [];
let section = '';
// A comment block describes the variables right below it; a comment after a variable starts a new block.
let afterVariable = false;
for (const line of example) {
  if (line.startsWith('# ---')) {
    section = line.replace(/^# -+\s*/, '').replace(/\s*-+$/, '');
    comments = [];
    afterVariable = false;
  } else if (line.startsWith('#')) {
    if (afterVariable) comments = [];
    afterVariable = false;
    comments.push(line.replace(/^#\s?/, ''));
  } else if (/^[A-Z0-9_]+=/.test(line)) {
    afterVariable = true;
    const [name, ...rest] = line.split('=');
    const value = rest.join('=');
    rows.push(`| \`${name}\` | ${section} | ${value ? `\`${value}\`` : ''} | ${comments.join(' ').replace(/\|/g, '\\|')} |`);
  } else {
    comments = [];
    afterVariable = false;
  }
}
const table = ['| variable | area | example / default | meaning |', '|---|---|---|---|', ...rows].join('\n');
const readmePath = resolve(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- env-table:start -->';
const end = '<!-- env-table:end -->';
const next = readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`);
writeFileSync(readmePath, next);
process.stdout.write(`README env table: ${rows.length} variables\n`);
