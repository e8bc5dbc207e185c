/**
 * The contract of a graph pass: a pure function from a graph to a new graph and a report.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";

/** What a pass did. */
export interface PassReport {
  /** Pass name. */
  pass: string;
  /** How many rewrites it applied. */
  applied: number;
  /** A few examples of what it changed (`OP#node`). */
  details: string[];
}

/** A pass's result. */
export interface PassResult {
  /** The rewritten graph (the input graph is left unchanged). */
  graph: ExecGraph;
  /** What changed. */
  report: PassReport;
}

/** A graph pass. */
export type Pass = (graph: ExecGraph) => PassResult;
