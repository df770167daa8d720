// Stage: translation (WebAssembly → LLVM IR) of table and reference instructions (Core spec
// §4.4.6 table.get/set/size/grow/fill/copy/init, elem.drop; §4.4.2 ref.null, ref.is_null,
// ref.func). Table elements are 8 bytes (abi.ts TableDefinition): a funcref is the `ptr` to
// a VMFuncRef (null for ref.null), an externref an `i64` host handle (0 for null). Every
// access is bounds-checked ("out of bounds table access"); fill, copy and init check the
// whole range in i64 arithmetic before writing anything (2.0 semantics).

import type { Operator } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import { TrapCode } from '../abi/trap-codes.js';
import { ValType } from '../wasm/value-types.js';
import type { OperatorEmitter, TranslatorState } from './translator-state.js';
import { TBAA_TABLE_ELEMENT } from './ir-module.js';
import { LLVM_TYPE } from './ir-types.js';
import { rangeExceeds, widen } from './emit-helpers.js';

export function registerTableEmitters(table: OperatorEmitter[]): void {
  table[Op.TableGet] = emitTableGet;
  table[Op.TableSet] = emitTableSet;
  table[Op.TableSize] = emitTableSize;
  table[Op.TableGrow] = emitTableGrow;
  table[Op.TableFill] = emitTableFill;
  table[Op.TableCopy] = emitTableCopy;
  table[Op.TableInit] = emitTableInit;
  table[Op.ElemDrop] = emitElemDrop;
  table[Op.RefNull] = emitRefNull;
  table[Op.RefIsNull] = emitRefIsNull;
  table[Op.RefFunc] = emitRefFunc;
}

function elementType(translator: TranslatorState, tableIndex: number): ValType {
  return translator.module.tables[tableIndex].elementType;
}

/** `ptr` to element `index` (an i32 operand) of table `tableIndex`, after the bounds check. */
function checkedElementAddress(translator: TranslatorState, tableIndex: number, index: string): string {
  const builder = translator.builder;
  const environment = translator.environment;
  const wide = widen(translator.builder, index);
  const length = environment.tableLength(builder, tableIndex);
  builder.trapIf(builder.assign(`icmp uge i64 ${wide}, ${length}`), TrapCode.TableOutOfBounds);
  const elements = environment.tableElements(builder, tableIndex);
  return builder.assign(`getelementptr inbounds i64, ptr ${elements}, i64 ${wide}`);
}

function emitTableGet(translator: TranslatorState, operator: Operator): void {
  const type = elementType(translator, operator.index);
  const address = checkedElementAddress(translator, operator.index, translator.pop());
  translator.push(translator.builder.assign(`load ${LLVM_TYPE[type]}, ptr ${address}, align 8, !tbaa ${TBAA_TABLE_ELEMENT}`), type);
}

function emitTableSet(translator: TranslatorState, operator: Operator): void {
  const type = elementType(translator, operator.index);
  const value = translator.pop();
  const address = checkedElementAddress(translator, operator.index, translator.pop());
  translator.builder.emit(`store ${LLVM_TYPE[type]} ${value}, ptr ${address}, align 8, !tbaa ${TBAA_TABLE_ELEMENT}`);
}

function emitTableSize(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const length = translator.environment.tableLength(builder, operator.index);
  translator.push(builder.assign(`trunc i64 ${length} to i32`), ValType.I32);
}

/** An element value as the i64 the runtime takes (funcref pointers converted). */
function elementAsInteger(translator: TranslatorState, type: ValType, value: string): string {
  if (type !== ValType.FuncRef) return value;
  return value === 'null' ? '0' : translator.builder.assign(`ptrtoint ptr ${value} to i64`);
}

function emitTableGrow(translator: TranslatorState, operator: Operator): void {
  const type = elementType(translator, operator.index);
  const delta = translator.pop();
  const initial = elementAsInteger(translator, type, translator.pop());
  translator.push(translator.environment.tableGrow(translator.builder, operator.index, delta, initial), ValType.I32);
}

function emitTableFill(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const tableIndex = operator.index;
  const type = LLVM_TYPE[elementType(translator, tableIndex)];
  const count = widen(translator.builder, translator.pop());
  const value = translator.pop();
  const start = widen(translator.builder, translator.pop());
  const length = translator.environment.tableLength(builder, tableIndex);
  builder.trapIf(rangeExceeds(translator.builder, start, count, length), TrapCode.TableOutOfBounds);
  const elements = translator.environment.tableElements(builder, tableIndex);
  const end = builder.assign(`add nuw nsw i64 ${start}, ${count}`);
  // for (i = start; i < end; i++) elements[i] = value
  const entry = builder.currentBlock;
  const header = builder.label();
  const body = builder.label();
  const exit = builder.label();
  const index = builder.value();
  const next = builder.value();
  builder.emit(`br label %${header}`);
  builder.startBlock(header);
  builder.emit(`${index} = phi i64 [ ${start}, %${entry} ], [ ${next}, %${body} ]`);
  const done = builder.assign(`icmp uge i64 ${index}, ${end}`);
  builder.emit(`br i1 ${done}, label %${exit}, label %${body}`);
  builder.startBlock(body);
  const address = builder.assign(`getelementptr inbounds i64, ptr ${elements}, i64 ${index}`);
  builder.emit(`store ${type} ${value}, ptr ${address}, align 8, !tbaa ${TBAA_TABLE_ELEMENT}`);
  builder.emit(`${next} = add nuw nsw i64 ${index}, 1`);
  builder.emit(`br label %${header}`);
  builder.startBlock(exit);
}

function emitTableCopy(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const environment = translator.environment;
  const destinationTable = operator.index;
  const sourceTable = operator.secondIndex;
  const count = widen(translator.builder, translator.pop());
  const source = widen(translator.builder, translator.pop());
  const destination = widen(translator.builder, translator.pop());
  const sourceOut = rangeExceeds(translator.builder, source, count, environment.tableLength(builder, sourceTable));
  const destinationOut = rangeExceeds(translator.builder, destination, count, environment.tableLength(builder, destinationTable));
  builder.trapIf(builder.assign(`or i1 ${sourceOut}, ${destinationOut}`), TrapCode.TableOutOfBounds);
  const to = builder.assign(`getelementptr inbounds i64, ptr ${environment.tableElements(builder, destinationTable)}, i64 ${destination}`);
  const from = builder.assign(`getelementptr inbounds i64, ptr ${environment.tableElements(builder, sourceTable)}, i64 ${source}`);
  const bytes = builder.assign(`shl nuw nsw i64 ${count}, 3`);
  builder.emit(`call void @llvm.memmove.p0.p0.i64(ptr align 8 ${to}, ptr align 8 ${from}, i64 ${bytes}, i1 false), !tbaa ${TBAA_TABLE_ELEMENT}`);
}

function emitTableInit(translator: TranslatorState, operator: Operator): void {
  const builder = translator.builder;
  const environment = translator.environment;
  const tableIndex = operator.secondIndex;
  const count = widen(translator.builder, translator.pop());
  const source = widen(translator.builder, translator.pop());
  const destination = widen(translator.builder, translator.pop());
  const segment = environment.elementSegment(builder, operator.index);
  const sourceOut = rangeExceeds(translator.builder, source, count, segment.length);
  const destinationOut = rangeExceeds(translator.builder, destination, count, environment.tableLength(builder, tableIndex));
  builder.trapIf(builder.assign(`or i1 ${sourceOut}, ${destinationOut}`), TrapCode.TableOutOfBounds);
  const to = builder.assign(`getelementptr inbounds i64, ptr ${environment.tableElements(builder, tableIndex)}, i64 ${destination}`);
  const from = builder.assign(`getelementptr i64, ptr ${segment.address}, i64 ${source}`);
  const bytes = builder.assign(`shl nuw nsw i64 ${count}, 3`);
  builder.emit(`call void @llvm.memcpy.p0.p0.i64(ptr align 8 ${to}, ptr align 8 ${from}, i64 ${bytes}, i1 false)`);
}

function emitElemDrop(translator: TranslatorState, operator: Operator): void {
  translator.environment.dropElementSegment(translator.builder, operator.index);
}

function emitRefNull(translator: TranslatorState, operator: Operator): void {
  translator.push(operator.valueType === ValType.FuncRef ? 'null' : '0', operator.valueType as ValType);
}

function emitRefIsNull(translator: TranslatorState): void {
  const builder = translator.builder;
  const type = translator.types[translator.height - 1];
  const value = translator.pop();
  const flag = builder.assign(type === ValType.FuncRef ? `icmp eq ptr ${value}, null` : `icmp eq i64 ${value}, 0`);
  translator.pushCondition(builder.assign(`zext i1 ${flag} to i32`), flag);
}

function emitRefFunc(translator: TranslatorState, operator: Operator): void {
  translator.push(translator.environment.functionReference(translator.builder, operator.index), ValType.FuncRef);
}
