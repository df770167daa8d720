// Stage: translation (WebAssembly → LLVM IR). The LLVM module being written: header (target
// triple and data layout when given), external declarations each emitted once, the function
// definitions in order, and the fixed metadata every function refers to by number — TBAA
// type nodes (LLVM-MAPPING.md "Memory": a store to linear memory must not force reloads of
// globals or table pointers), the empty node for !invariant.load / !nonnull and the branch
// weights that mark trap edges cold. The numbering is fixed so that functions translated
// into separate LLVM modules (laziness, parallel compilation) share the same text.

/** `!{}`: operand of !invariant.load and !nonnull. */
export const MD_EMPTY = '!0';
/** Access tags, one per disjoint kind of memory generated code touches. */
export const TBAA_LINEAR_MEMORY = '!3';
/** vmctx fields and the runtime's definitions (MemoryDefinition, TableDefinition, segment descriptors). */
export const TBAA_VMCTX = '!5';
/** Global cells (defined inline in vmctx, imported through a pointer). */
export const TBAA_GLOBAL = '!7';
/** Table element arrays. */
export const TBAA_TABLE_ELEMENT = '!9';
/** VMFuncRef fields (code, typeId, vmctx), written only by the runtime. */
export const TBAA_FUNCREF = '!11';
/** Branch weights for `br i1 %trap, label %trap, label %continue`: the trap side is cold. */
export const PROF_TRAP_ON_TRUE = '!12';
/** `!range` of a memory's byte length: [0, 2^32] (lets LLVM know it is not negative). */
export const RANGE_MEMORY_BYTES = '!13';

const METADATA = [
  '!0 = !{}',
  '!1 = !{!"wasm tbaa"}',
  '!2 = !{!"wasm linear memory", !1, i64 0}',
  '!3 = !{!2, !2, i64 0}',
  '!4 = !{!"wasm vmctx", !1, i64 0}',
  '!5 = !{!4, !4, i64 0}',
  '!6 = !{!"wasm global", !1, i64 0}',
  '!7 = !{!6, !6, i64 0}',
  '!8 = !{!"wasm table element", !1, i64 0}',
  '!9 = !{!8, !8, i64 0}',
  '!10 = !{!"wasm funcref", !1, i64 0}',
  '!11 = !{!10, !10, i64 0}',
  '!12 = !{!"branch_weights", i32 1, i32 1048575}',
  '!13 = !{i64 0, i64 4294967297}',
].join('\n');

import { keepShape } from '../wasm/shape-anchors.js';
import { IrText, decodeText } from './ir-text.js';

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

export interface IrModuleHeader {
  /** `target triple = "..."` when set (the native addon may set it itself). */
  readonly targetTriple?: string;
  /** `target datalayout = "..."` when set. */
  readonly dataLayout?: string;
  readonly moduleName?: string;
}

export class IrModuleBuilder {
  /** Declarations and global variables by symbol, each written once before the definitions. */
  private readonly declarations = new Map<string, string>();
  /** Symbols defined here: their declarations (of callees in other units) are not written. */
  private readonly defined = new Set<string>();
  private readonly definitions: IrText;

  constructor(
    private readonly header: IrModuleHeader = {},
    initialCapacity = 1 << 20,
  ) {
    this.definitions = new IrText(initialCapacity);
    keepShape(this);
  }

  /** Adds `text` (a `declare` or an external global) for `symbol` unless already there. */
  declare(symbol: string, text: string): void {
    if (!this.declarations.has(symbol)) this.declarations.set(symbol, text);
  }

  hasDeclaration(symbol: string): boolean {
    return this.declarations.has(symbol);
  }

  /** Records that this module defines `symbol`, so a declaration of it is left out. */
  noteDefinition(symbol: string): void {
    this.defined.add(symbol);
  }

  /** Appends one complete definition (`define ... { ... }`). */
  define(text: string): void {
    this.definitions.write(text);
    this.definitions.write('\n');
  }

  /** The buffer definitions are written to (the translator writes functions straight into it). */
  get definitionText(): IrText {
    return this.definitions;
  }

  /** Moves `other`'s declarations and definitions into this module (symbols must not clash). */
  absorb(other: IrModuleBuilder): void {
    for (const [symbol, text] of other.declarations) this.declare(symbol, text);
    this.definitions.append(other.definitions);
  }

  /** The module's text. */
  finish(): string {
    const bytes = this.finishBytes();
    return decodeText(bytes, this.definitions.isAscii && isAscii(this.headerText()));
  }

  /** The module's text as UTF-8 bytes (what LLVM parses). */
  finishBytes(): Uint8Array {
    const result = new IrText(this.definitions.length + 4096);
    result.write(this.headerText());
    result.append(this.definitions);
    result.write(METADATA);
    result.write('\n');
    return result.bytes();
  }

  private headerText(): string {
    const parts: string[] = [];
    parts.push(`; ModuleID = '${this.header.moduleName ?? 'wasm'}'`);
    parts.push(`source_filename = "${this.header.moduleName ?? 'wasm'}"`);
    if (this.header.dataLayout) parts.push(`target datalayout = "${this.header.dataLayout}"`);
    if (this.header.targetTriple) parts.push(`target triple = "${this.header.targetTriple}"`);
    parts.push('');
    for (const [symbol, text] of this.declarations) if (!this.defined.has(symbol)) parts.push(text);
    parts.push('', '');
    return parts.join('\n');
  }
}
