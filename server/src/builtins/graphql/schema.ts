/**
 * Turning a schema document into a validated schema, as OPA's gqlparser copy does: the built-in
 * scalars, directives and introspection types (its "prelude") are added first, extensions are
 * merged into their types (creating the type when it has no definition), and the checks run in
 * gqlparser's order, stopping at the first error with its message. This is deliberately more
 * lenient than the GraphQL specification in the same places gqlparser is, for instance a schema
 * needs no query type.
 */
import {
  forName,
  goQuote,
  isCompatible,
  isInputType,
  newArgumentDefinition,
  newDefinition,
  newFieldDefinition,
  newTypeRef,
  present,
  typeName,
  typeString,
  type ArgumentDefinition,
  type Definition,
  type Directive,
  type DirectiveDefinition,
  type Position,
  type Schema,
  type SchemaDocument,
  type TypeRef,
} from './ast.js';
import { parseSchema } from './parser.js';

/** A schema gqlparser rejects, with its message and (when known) the position it reports. */
export class SchemaValidationError extends Error {
  constructor(
    message: string,
    readonly position: Position | null,
  ) {
    super(message);
  }
}

/** gqlparser's prelude, without the descriptions, which nothing here reads. */
const PRELUDE = `
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID

directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR

type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}

type __Type {
  kind: __TypeKind!
  name: String
  description: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields: [__InputValue!]
  ofType: __Type
  specifiedBy: String
}

type __Field {
  name: String!
  description: String
  args: [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}

type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
}

type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}

enum __TypeKind {
  SCALAR
  OBJECT
  INTERFACE
  UNION
  ENUM
  INPUT_OBJECT
  LIST
  NON_NULL
}

type __Directive {
  name: String!
  description: String
  locations: [__DirectiveLocation!]!
  args: [__InputValue!]!
  isRepeatable: Boolean!
}

enum __DirectiveLocation {
  QUERY
  MUTATION
  SUBSCRIPTION
  FIELD
  FRAGMENT_DEFINITION
  FRAGMENT_SPREAD
  INLINE_FRAGMENT
  VARIABLE_DEFINITION
  SCHEMA
  SCALAR
  OBJECT
  FIELD_DEFINITION
  ARGUMENT_DEFINITION
  INTERFACE
  UNION
  ENUM
  ENUM_VALUE
  INPUT_OBJECT
  INPUT_FIELD_DEFINITION
}
`;

/** Directives a schema may define again; the prelude's definition is kept. */
const REDEFINABLE_DIRECTIVES = new Set(['include', 'skip', 'deprecated', 'specifiedBy']);

function fail(position: Position | null, message: string): never {
  throw new SchemaValidationError(message, position);
}

/**
 * Validates a schema document together with the prelude. The document's definitions are changed
 * in place (extensions merged into them, introspection fields added to the query type), as in
 * gqlparser, so callers pass a document they no longer need as it was.
 */
export function validateSchema(document: SchemaDocument): Schema {
  // The prelude is parsed afresh each time because validation changes the definitions it is given.
  const prelude = parseSchema(PRELUDE, true);
  const merged: SchemaDocument = {
    Schema: [...prelude.Schema, ...document.Schema],
    SchemaExtension: [...prelude.SchemaExtension, ...document.SchemaExtension],
    Directives: [...prelude.Directives, ...document.Directives],
    Definitions: [...prelude.Definitions, ...document.Definitions],
    Extensions: [...prelude.Extensions, ...document.Extensions],
  };
  return validateSchemaDocument(merged);
}

function validateSchemaDocument(document: SchemaDocument): Schema {
  const schema: Schema = {
    Query: null,
    Mutation: null,
    Subscription: null,
    Types: new Map(),
    Directives: new Map(),
    PossibleTypes: new Map(),
  };

  for (const definition of document.Definitions) {
    if (schema.Types.has(definition.Name)) fail(definition.Position, `Cannot redeclare type ${definition.Name}.`);
    schema.Types.set(definition.Name, definition);
  }

  const definitions = [...document.Definitions];
  for (const extension of document.Extensions) {
    let definition = schema.Types.get(extension.Name);
    if (definition === undefined) {
      // gqlparser lets an extension stand in for a type that is never defined.
      definition = newDefinition(extension.Kind, extension.Name, extension.Position);
      schema.Types.set(extension.Name, definition);
      definitions.push(definition);
    }
    if (definition.Kind !== extension.Kind) {
      fail(extension.Position, `Cannot extend type ${extension.Name} because the base type is a ${definition.Kind}, not ${extension.Kind}.`);
    }
    definition.Directives = [...definition.Directives, ...extension.Directives];
    definition.Interfaces = [...definition.Interfaces, ...extension.Interfaces];
    definition.Fields = [...definition.Fields, ...extension.Fields];
    definition.Types = [...definition.Types, ...extension.Types];
    definition.EnumValues = [...definition.EnumValues, ...extension.EnumValues];
  }

  const addPossibleType = (name: string, definition: Definition | undefined): void => {
    const list = schema.PossibleTypes.get(name) ?? [];
    list.push(definition);
    schema.PossibleTypes.set(name, list);
  };
  for (const definition of definitions) {
    if (definition.Kind === 'UNION') {
      for (const member of definition.Types) addPossibleType(definition.Name, schema.Types.get(member));
    } else if (definition.Kind === 'INPUT_OBJECT' || definition.Kind === 'OBJECT') {
      for (const implemented of definition.Interfaces) addPossibleType(implemented, definition);
      addPossibleType(definition.Name, definition);
    } else if (definition.Kind === 'INTERFACE') {
      for (const implemented of definition.Interfaces) addPossibleType(implemented, definition);
    }
  }

  for (const directive of document.Directives) {
    if (schema.Directives.has(directive.Name)) {
      if (!REDEFINABLE_DIRECTIVES.has(directive.Name)) fail(directive.Position, `Cannot redeclare directive ${directive.Name}.`);
      // gqlparser means to keep the first definition of a built-in directive, but its map ends up
      // holding the last one, as the assignment below does.
    }
    schema.Directives.set(directive.Name, directive);
  }

  if (document.Schema.length > 1) {
    fail(document.Schema[1].Position, 'Cannot have multiple schema entry points, consider schema extensions instead.');
  }
  for (const schemaDefinition of [...document.Schema, ...document.SchemaExtension]) {
    for (const entryPoint of schemaDefinition.OperationTypes) {
      const definition = schema.Types.get(entryPoint.Type);
      if (definition === undefined) {
        fail(entryPoint.Position, `Schema root ${entryPoint.Operation} refers to a type ${entryPoint.Type} that does not exist.`);
      }
      if (entryPoint.Operation === 'query') schema.Query = definition;
      else if (entryPoint.Operation === 'mutation') schema.Mutation = definition;
      else if (entryPoint.Operation === 'subscription') schema.Subscription = definition;
    }
  }

  for (const name of [...schema.Types.keys()].sort()) validateDefinition(schema, present(schema.Types.get(name), 'type'));
  for (const name of [...schema.Directives.keys()].sort()) {
    const directive = present(schema.Directives.get(name), 'directive');
    validateName(directive.Position, directive.Name);
    validateArguments(schema, directive.Arguments, directive);
  }

  // Root types are inferred from their conventional names only when there is no schema definition.
  if (document.Schema.length === 0) {
    schema.Query ??= schema.Types.get('Query') ?? null;
    schema.Mutation ??= schema.Types.get('Mutation') ?? null;
    schema.Subscription ??= schema.Types.get('Subscription') ?? null;
  }

  if (schema.Query !== null) {
    schema.Query.Fields = [
      ...schema.Query.Fields,
      newFieldDefinition('__schema', newTypeRef('__Schema', true)),
      newFieldDefinition('__type', newTypeRef('__Type', false), [newArgumentDefinition('name', newTypeRef('String', true))]),
    ];
  }
  return schema;
}

function validateDefinition(schema: Schema, definition: Definition): void {
  for (const field of definition.Fields) {
    validateName(field.Position, field.Name);
    validateTypeReference(schema, present(field.Type, 'field type'));
    validateArguments(schema, field.Arguments, null);
    const location = definition.Kind === 'INPUT_OBJECT' ? 'INPUT_FIELD_DEFINITION' : 'FIELD_DEFINITION';
    validateDirectives(schema, field.Directives, location, null);
  }

  for (const member of definition.Types) {
    const memberDefinition = schema.Types.get(member);
    if (memberDefinition === undefined) fail(definition.Position, `Undefined type ${goQuote(member)}.`);
    if (memberDefinition.Kind !== 'OBJECT') fail(definition.Position, `${definition.Kind} type ${goQuote(member)} must be OBJECT.`);
  }

  for (const implemented of definition.Interfaces) validateImplements(schema, definition, implemented);

  switch (definition.Kind) {
    case 'OBJECT':
    case 'INTERFACE':
      if (definition.Fields.length === 0) fail(definition.Position, `${definition.Kind} ${definition.Name}: must define one or more fields.`);
      for (const field of definition.Fields) {
        const fieldType = schema.Types.get(typeName(present(field.Type, 'field type')));
        if (fieldType !== undefined && !['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM'].includes(fieldType.Kind)) {
          fail(field.Position, `${definition.Kind} ${definition.Name}: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.`);
        }
      }
      break;
    case 'ENUM':
      if (definition.EnumValues.length === 0) fail(definition.Position, `ENUM ${definition.Name}: must define one or more unique enum values.`);
      for (const value of definition.EnumValues) {
        if (['true', 'false', 'null'].includes(value.Name)) fail(definition.Position, `ENUM ${definition.Name}: non-enum value ${value.Name}.`);
      }
      break;
    case 'INPUT_OBJECT':
      if (definition.Fields.length === 0) fail(definition.Position, `INPUT_OBJECT ${definition.Name}: must define one or more input fields.`);
      for (const field of definition.Fields) {
        const fieldType = schema.Types.get(typeName(present(field.Type, 'field type')));
        if (fieldType !== undefined && !['SCALAR', 'ENUM', 'INPUT_OBJECT'].includes(fieldType.Kind)) {
          // gqlparser names the kind of the field's type here, not the input object's.
          fail(field.Position, `${fieldType.Kind} ${field.Name}: field must be one of SCALAR, ENUM, INPUT_OBJECT.`);
        }
      }
      break;
  }

  definition.Fields.forEach((field, index) => {
    const duplicate = definition.Fields.slice(index + 1).find((other) => other.Name === field.Name);
    if (duplicate) fail(duplicate.Position, `Field ${definition.Name}.${duplicate.Name} can only be defined once.`);
  });

  // The prelude's introspection types may use reserved names; nothing else may.
  if (!definition.BuiltIn) validateName(definition.Position, definition.Name);

  validateDirectives(schema, definition.Directives, definition.Kind, null);
}

function validateTypeReference(schema: Schema, type: TypeRef): void {
  const name = typeName(type);
  if (!schema.Types.has(name)) fail(type.Position, `Undefined type ${name}.`);
}

function validateArguments(schema: Schema, args: readonly ArgumentDefinition[], currentDirective: DirectiveDefinition | null): void {
  for (const argument of args) {
    validateName(argument.Position, argument.Name);
    const type = present(argument.Type, 'argument type');
    validateTypeReference(schema, type);
    const definition = present(schema.Types.get(typeName(type)), 'argument type definition');
    if (!isInputType(definition)) {
      fail(argument.Position, `cannot use ${typeString(type)} as argument ${argument.Name} because ${definition.Kind} is not a valid input type`);
    }
    validateDirectives(schema, argument.Directives, 'ARGUMENT_DEFINITION', currentDirective);
  }
}

function validateDirectives(schema: Schema, directives: readonly Directive[], location: string, currentDirective: DirectiveDefinition | null): void {
  for (const directive of directives) {
    validateName(directive.Position, directive.Name);
    if (currentDirective !== null && directive.Name === currentDirective.Name) {
      fail(directive.Position, `Directive ${currentDirective.Name} cannot refer to itself.`);
    }
    const definition = schema.Directives.get(directive.Name);
    if (definition === undefined) fail(directive.Position, `Undefined directive ${directive.Name}.`);
    if (!definition.Locations.includes(location)) fail(directive.Position, `Directive ${directive.Name} is not applicable on ${location}.`);
    directive.Definition = definition;
  }
}

function validateImplements(schema: Schema, definition: Definition, interfaceName: string): void {
  const implemented = schema.Types.get(interfaceName);
  if (implemented === undefined) fail(definition.Position, `Undefined type ${goQuote(interfaceName)}.`);
  if (implemented.Kind !== 'INTERFACE') fail(definition.Position, `${goQuote(interfaceName)} is a non interface type ${implemented.Kind}.`);
  const prefix = `For ${definition.Name} to implement ${implemented.Name}`;
  for (const requiredField of implemented.Fields) {
    const foundField = forName(definition.Fields, requiredField.Name);
    if (foundField === undefined) fail(definition.Position, `${prefix} it must have a field called ${requiredField.Name}.`);
    const requiredType = present(requiredField.Type, 'field type');
    if (!isCovariant(schema, requiredType, present(foundField.Type, 'field type'))) {
      fail(foundField.Position, `${prefix} the field ${requiredField.Name} must have type ${typeString(requiredType)}.`);
    }
    for (const requiredArgument of requiredField.Arguments) {
      const foundArgument = forName(foundField.Arguments, requiredArgument.Name);
      if (foundArgument === undefined) {
        fail(foundField.Position, `${prefix} the field ${requiredField.Name} must have the same arguments but it is missing ${requiredArgument.Name}.`);
      }
      if (!isCompatible(present(requiredArgument.Type, 'argument type'), present(foundArgument.Type, 'argument type'))) {
        fail(
          foundArgument.Position,
          `${prefix} the field ${requiredField.Name} must have the same arguments but ${requiredArgument.Name} has the wrong type.`,
        );
      }
    }
    for (const foundArgument of foundField.Arguments) {
      const required = present(foundArgument.Type, 'argument type').NonNull && foundArgument.DefaultValue === null;
      if (forName(requiredField.Arguments, foundArgument.Name) === undefined && required) {
        fail(
          foundArgument.Position,
          `${prefix} any additional arguments on ${foundField.Name} must be optional or have a default value but ${foundArgument.Name} is required.`,
        );
      }
    }
  }
  // An object must also implement what its interfaces implement.
  for (const transitive of implemented.Interfaces) {
    if (definition.Interfaces.includes(transitive)) continue;
    if (transitive === definition.Name) {
      fail(definition.Position, `Type ${definition.Name} cannot implement ${interfaceName} because it would create a circular reference.`);
    }
    fail(definition.Position, `Type ${definition.Name} must implement ${transitive} because it is implemented by ${interfaceName}.`);
  }
}

/** Whether a field of type `actual` may implement an interface field of type `required`. */
function isCovariant(schema: Schema, required: TypeRef, actual: TypeRef): boolean {
  if (required.NonNull && !actual.NonNull) return false;
  if (required.NamedType !== '') {
    if (required.NamedType === actual.NamedType) return true;
    return (schema.PossibleTypes.get(required.NamedType) ?? []).some((possible) => present(possible, 'possible type').Name === actual.NamedType);
  }
  if (required.Elem !== null && actual.Elem === null) return false;
  return isCovariant(schema, present(required.Elem, 'list element type'), present(actual.Elem, 'list element type'));
}

function validateName(position: Position | null, name: string): void {
  if (name.startsWith('__')) fail(position, `Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`);
}
