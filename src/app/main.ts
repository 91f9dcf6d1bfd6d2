// Placeholder page until the editor lands (issue: the editor). Shows the product name.
const root = document.getElementById('app');
if (root) {
  root.innerHTML = '<main style="font-family: system-ui; padding: 2rem"><h1>pixel-loom</h1><p>The node editor is under construction. The engine runs headless today: <code>npm run cli -- run graphs/denoise.graph.json --out out</code>.</p></main>';
}
