//! Procedure model to flowcharts: Mermaid, Graphviz DOT, SVG and BPMN 2.0, with roles as swimlanes.
