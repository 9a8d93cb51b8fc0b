/**
 * A small writer for ONNX graphs with onnx-proto: named initializers, nodes with typed
 * attributes, fresh tensor names, and serialisation to the bytes an ORT session loads.
 * IR 8 / opset 17: the newest pair where Reduce* still take `axes` as an attribute.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

export const OPSET = 17;
export const IR_VERSION = 8;

export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT64: 7,
  FLOAT16: 10,
} as const;

export type AttributeValue = number | readonly number[] | { readonly float: number };

export interface ValueSpec {
  readonly name: string;
  readonly elemType: number;
  /** A string is a symbolic dimension (the batch). */
  readonly shape: readonly (number | string)[];
}

export class GraphWriter {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** A fresh tensor name (`hint` keeps graphs readable when inspected). */
  fresh(hint = 't'): string {
    return `${hint}_${this.counter++}`;
  }

  /** A float32 initializer. The array is referenced, not copied, until serialisation. */
  float(name: string, data: Float32Array, dims: readonly number[]): string {
    this.initializers.push({
      name,
      dataType: DataType.FLOAT,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** A float32 scalar/vector constant, shared by value. */
  floatConstant(values: readonly number[], dims: readonly number[] = values.length === 1 ? [] : [values.length]): string {
    const key = `f:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.float(this.fresh('const'), Float32Array.from(values), dims);
      this.constants.set(key, name);
    }
    return name;
  }

  /** An int64 vector constant (shapes for Reshape), shared by value. */
  int64Constant(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.fresh('shape');
      const data = BigInt64Array.from(values.map((v) => BigInt(v)));
      this.initializers.push({
        name,
        dataType: DataType.INT64,
        dims: [values.length],
        rawData: new Uint8Array(data.buffer),
      });
      this.constants.set(key, name);
    }
    return name;
  }

  /** Adds a node; returns its output name(s) (fresh unless given). */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attributes).map(([name, v]) => attribute(name, v)),
    });
    return out;
  }

  /** The model bytes with the given graph inputs/outputs. */
  serialize(inputs: readonly ValueSpec[], outputs: readonly ValueSpec[], name = 'nasc'): Uint8Array {
    const model: OnnxTypes.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'nasc',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name,
        node: this.nodes,
        initializer: this.initializers,
        input: inputs.map(valueInfo),
        output: outputs.map(valueInfo),
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

function attribute(name: string, v: AttributeValue): OnnxTypes.IAttributeProto {
  if (typeof v === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
  if ('float' in v) return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.float };
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...v] };
}

function valueInfo(v: ValueSpec): OnnxTypes.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.elemType,
        shape: { dim: v.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}
