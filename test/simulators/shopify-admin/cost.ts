// Query cost as Shopify calculates it, closely enough to exercise throttling: an object costs 1, a
// scalar or enum 0, a connection 2 plus its page size times the cost of one node, a mutation 10.
// https://shopify.dev/docs/api/usage/limits#cost-calculation
import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let total = 0;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = def.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
    if (!root) continue;
    total += (def.operation === "mutation" ? 10 : 0) + selectionCost(root, def.selectionSet);
  }
  return total;

  function argValue(node: ValueNode | undefined): unknown {
    if (!node) return undefined;
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  }

  function selectionCost(type: GraphQLCompositeType, set: SelectionSetNode): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const target = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && target && isCompositeType(target)) cost += selectionCost(target, fragment.selectionSet);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const target = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (target && isCompositeType(target)) cost += selectionCost(target, selection.selectionSet);
        continue;
      }
      if (!("getFields" in type)) continue;
      const field = (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[selection.name.value];
      if (!field || !selection.selectionSet) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      const inner = selectionCost(named, selection.selectionSet);
      const pageArg = selection.arguments?.find((a) => a.name.value === "first" || a.name.value === "last");
      const page = Number(argValue(pageArg?.value) ?? 1) || 1;
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      if (named.name.endsWith("Connection")) cost += 2 + page * Math.max(1, inner - 1);
      else if (isListType(unwrapped)) cost += page * (1 + inner);
      else cost += 1 + inner;
    }
    return cost;
  }
}
