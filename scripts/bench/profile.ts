// A V8 CPU profile (node --cpu-prof, or the inspector) summed up for a benchmark's report.
import path from "node:path";

export type Profile = { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] };

/** Self time, by where the code lives: an app module, a package, Node itself; and the top functions. */
export function summarizeProfile(profile: Profile, what: string): string {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  // Native frames (no script) are counted where the JavaScript that called them lives.
  const parent = new Map<number, number>();
  for (const n of profile.nodes as Array<Profile["nodes"][number] & { children?: number[] }>) for (const c of n.children ?? []) parent.set(c, n.id);
  const placed = (id: number) => {
    let node = byNode.get(id)!;
    while (!node.callFrame.url && parent.has(node.id) && !node.callFrame.functionName.startsWith("(")) node = byNode.get(parent.get(node.id)!)!;
    return node;
  };
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id)!;
    const dt = profile.timeDeltas[i] ?? 0;
    const { functionName, lineNumber } = node.callFrame;
    const url = placed(id).callFrame.url;
    if (functionName === "(idle)") return;
    total += dt;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const group = pkg ? `package ${pkg}` : url.includes("/app/") ? `app ${url.slice(url.indexOf("/app/") + 1)}` : url.startsWith("node:") ? `node ${url.slice(5)}` : functionName.startsWith("(") ? functionName : "node (native, builtins)";
    groups.set(group, (groups.get(group) ?? 0) + dt);
    const fn = `${functionName || "(anonymous)"} ${pkg ?? path.basename(url)}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `| ${name} | ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)}% |`)
      .join("\n");
  return `\n### CPU profile of ${what} (${(total / 1000).toFixed(0)} ms busy), self time by place\n\n| where | ms | share |\n|---|---:|---:|\n${top(groups, 15)}\n\n### Top functions (self time)\n\n| function | ms | share |\n|---|---:|---:|\n${top(functions, 15)}\n`;
}
