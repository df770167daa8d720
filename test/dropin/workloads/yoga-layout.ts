// Stage: drop-in tier, workload for yoga-layout (flexbox layout, Emscripten C++ with embind,
// the module embedded in the JS). Builds a tree of tens of thousands of nodes with generated
// flex properties and JS measure functions on the leaves (calls from wasm back into JS),
// lays it out at three widths and digests every computed layout.

import { Digest, SeededRandom, inputScale, runWorkload } from './support.js';
import Yoga, { Align, Direction, Edge, FlexDirection, Gutter, Justify, MeasureMode, PositionType, Wrap, type Node } from 'yoga-layout';

function build(random: SeededRandom, depth: number, nodes: Node[]): Node {
  const node = Yoga.Node.create();
  nodes.push(node);
  node.setFlexDirection(random.pick([FlexDirection.Row, FlexDirection.Column, FlexDirection.RowReverse, FlexDirection.ColumnReverse]));
  node.setJustifyContent(random.pick([Justify.FlexStart, Justify.Center, Justify.SpaceBetween, Justify.SpaceEvenly, Justify.FlexEnd]));
  node.setAlignItems(random.pick([Align.Stretch, Align.FlexStart, Align.Center, Align.Baseline]));
  node.setFlexWrap(random.pick([Wrap.NoWrap, Wrap.Wrap]));
  node.setPadding(Edge.All, random.below(6));
  node.setMargin(random.pick([Edge.Left, Edge.Top, Edge.Horizontal]), random.below(8));
  node.setGap(Gutter.All, random.below(4));
  if (random.below(4) === 0) node.setFlexBasisPercent(10 + random.below(40));
  node.setFlexGrow(random.below(3));
  node.setFlexShrink(random.below(2));
  if (random.below(20) === 0) {
    node.setPositionType(PositionType.Absolute);
    node.setPosition(Edge.Top, random.below(30));
  }
  if (depth === 0 || random.below(5) === 0) {
    const textLength = 1 + random.below(80);
    node.setMeasureFunc((width, widthMode) => {
      const perLine = widthMode === MeasureMode.Undefined || !(width > 0) ? textLength : Math.max(1, Math.floor(width / 7));
      const lines = Math.ceil(textLength / perLine);
      return { width: Math.min(textLength, perLine) * 7, height: lines * 12 };
    });
    return node;
  }
  const children = 1 + random.below(depth > 3 ? 3 : 6);
  for (let i = 0; i < children; i++) node.insertChild(build(random, depth - 1, nodes), i);
  return node;
}

await runWorkload(() => {
  const random = new SeededRandom(0x5eed_0008);
  const nodes: Node[] = [];
  const root = Yoga.Node.create();
  nodes.push(root);
  root.setFlexDirection(FlexDirection.Row);
  root.setFlexWrap(Wrap.Wrap);
  for (let i = 0; i < 40 * inputScale(); i++) root.insertChild(build(random, 6, nodes), i);
  const layouts: Record<string, string> = {};
  for (const width of [320, 1280, 4096]) {
    root.calculateLayout(width, undefined, width === 1280 ? Direction.RTL : Direction.LTR);
    const digest = new Digest();
    for (const node of nodes) {
      const layout = node.getComputedLayout();
      digest.add(`${layout.left},${layout.top},${layout.width},${layout.height}`);
    }
    layouts[width] = digest.hex();
  }
  const rootSize = [root.getComputedWidth(), root.getComputedHeight()];
  root.freeRecursive();
  return { nodes: nodes.length, layouts, rootSize };
});
