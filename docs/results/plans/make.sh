#!/bin/sh
# Remakes docs/results/plans: `plan --json` over every shared network and every built network
# (models/write_all.ts, tiny test networks left out), then the README table. Run from the repository
# root: sh docs/results/plans/make.sh
set -e
dir=docs/results/plans
deno run -A models/write_all.ts --out out/models > /dev/null
for f in ../shared/models/networks/*.tflite $(ls out/models/*.tflite | grep -v _tiny); do
  deno task -q cli plan "$f" --json > "$dir/$(basename "$f" .tflite).json"
done
deno eval "
import { plansMarkdown } from './cli/plan_markdown.ts';
const dir = '$dir';
const reports = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith('.json'))
  .map((e) => JSON.parse(Deno.readTextFileSync(dir + '/' + e.name)))
  .sort((a, b) => Number(b.model.startsWith('../')) - Number(a.model.startsWith('../')) ||
    a.model.localeCompare(b.model));
Deno.writeTextFileSync(dir + '/README.md', plansMarkdown(reports, {
  command: 'sh $dir/make.sh',
  notes: [
    'Folder networks: the real model files of ../shared/models/networks; folder models: the ' +
    'networks that models/write_all.ts builds (random weights, the originals\\' shapes). Records ' +
    'come from the exec graph after the graph passes, nodes placed as gpulite plan --help describes.',
  ],
}));
"
deno fmt --no-config -q "$dir"/*.json "$dir"/README.md
