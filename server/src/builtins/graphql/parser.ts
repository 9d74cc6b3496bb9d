/**
 * The GraphQL parser of OPA's gqlparser copy, for query documents and schema documents. It accepts
 * what gqlparser accepts (empty argument lists, fragment variables, extensions of any type) and
 * rejects what it rejects (empty selection sets and field lists, descriptions on extensions), and it
 * fails on the first problem with gqlparser's message and position, such as
 * `Expected Name, found <EOF>` or `expected at least one definition, found }`.
 */
import {
  ValueKind,
  newValue,
  type Argument,
  type ArgumentDefinition,
  type ChildValue,
  type Definition,
  type Directive,
  type DirectiveDefinition,
  type EnumValueDefinition,
  type Field,
  type FieldDefinition,
  type FragmentDefinition,
  type InlineFragment,
  type OperationDefinition,
  type OperationTypeDefinition,
  type Position,
  type QueryDocument,
  type SchemaDefinition,
  type SchemaDocument,
  type Selection,
  type TypeRef,
  type ValueNode,
  type VariableDefinition,
  goQuote,
  newDefinition,
} from './ast.js';
import { Lexer, TOKEN_TEXT, type Token, type TokenKind } from './lexer.js';

/** The first syntax error in a document, with gqlparser's wording and position. */
export class GraphqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export function parseQuery(source: string): QueryDocument {
  return new Parser(source).parseQueryDocument();
}

/** Parses a schema; `builtIn` marks its type definitions as gqlparser marks those of its prelude. */
export function parseSchema(source: string, builtIn = false): SchemaDocument {
  const document = new Parser(source).parseSchemaDocument();
  for (const definition of [...document.Definitions, ...document.Extensions]) definition.BuiltIn = builtIn;
  return document;
}

/** gqlparser's `Token.String()`: the kind, then the quoted text when there is any. */
function describe(token: Token): string {
  return token.value !== '' ? `${TOKEN_TEXT[token.kind]} ${goQuote(token.value)}` : TOKEN_TEXT[token.kind];
}

const DIRECTIVE_LOCATIONS = new Set([
  'QUERY',
  'MUTATION',
  'SUBSCRIPTION',
  'FIELD',
  'FRAGMENT_DEFINITION',
  'FRAGMENT_SPREAD',
  'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION',
  'SCHEMA',
  'SCALAR',
  'OBJECT',
  'FIELD_DEFINITION',
  'ARGUMENT_DEFINITION',
  'INTERFACE',
  'UNION',
  'ENUM',
  'ENUM_VALUE',
  'INPUT_OBJECT',
  'INPUT_FIELD_DEFINITION',
]);

class Parser {
  private readonly lexer: Lexer;
  private peeked: Token | undefined;
  /** The token consumed last. */
  private previous: Token | undefined;

  constructor(source: string) {
    this.lexer = new Lexer(source);
  }

  // -------------------------------------------------------------------------------------------
  // Token handling

  private peek(): Token {
    this.peeked ??= this.lexer.readToken();
    return this.peeked;
  }

  private peekPosition(): Position {
    return this.peek().position;
  }

  private next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    // Consuming a token the lexer could not read reports the lexer's own message.
    if (token.error !== undefined) this.fail(token, token.error);
    this.previous = token;
    return token;
  }

  private fail(token: Token, message: string): never {
    throw new GraphqlSyntaxError(message, token.position.Line, token.position.Column);
  }

  private expect(kind: TokenKind): Token {
    const token = this.peek();
    if (token.kind === kind) return this.next();
    return this.fail(token, `Expected ${TOKEN_TEXT[kind]}, found ${TOKEN_TEXT[token.kind]}`);
  }

  private expectKeyword(keyword: string): Token {
    const token = this.peek();
    if (token.kind === 'Name' && token.value === keyword) return this.next();
    return this.fail(token, `Expected ${goQuote(keyword)}, found ${describe(token)}`);
  }

  private skip(kind: TokenKind): boolean {
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  private unexpected(token: Token = this.peek()): never {
    return this.fail(token, `Unexpected ${describe(token)}`);
  }

  /** `start item* end`, or nothing when the next token is not `start`. */
  private many(start: TokenKind, end: TokenKind, item: () => void): void {
    if (!this.skip(start)) return;
    while (this.peek().kind !== end) item();
    this.next();
  }

  /** `start item+ end`, or nothing when the next token is not `start`. */
  private some(start: TokenKind, end: TokenKind, item: () => void): void {
    if (!this.skip(start)) return;
    let called = false;
    while (this.peek().kind !== end) {
      called = true;
      item();
    }
    if (!called) this.fail(this.peek(), `expected at least one definition, found ${TOKEN_TEXT[this.peek().kind]}`);
    this.next();
  }

  private parseName(): string {
    return this.expect('Name').value;
  }

  // -------------------------------------------------------------------------------------------
  // Query documents

  parseQueryDocument(): QueryDocument {
    const document: QueryDocument = { Operations: [], Fragments: [] };
    while (this.peek().kind !== 'EOF') {
      const token = this.peek();
      if (token.kind === 'Name' && ['query', 'mutation', 'subscription'].includes(token.value)) {
        document.Operations.push(this.parseOperationDefinition());
      } else if (token.kind === 'Name' && token.value === 'fragment') {
        document.Fragments.push(this.parseFragmentDefinition());
      } else if (token.kind === 'BraceL') {
        document.Operations.push(this.parseOperationDefinition());
      } else {
        this.unexpected();
      }
    }
    return document;
  }

  private parseOperationDefinition(): OperationDefinition {
    const operation: OperationDefinition = {
      Operation: 'query',
      Name: '',
      VariableDefinitions: [],
      Directives: [],
      SelectionSet: [],
      Position: this.peekPosition(),
    };
    if (this.peek().kind === 'BraceL') {
      operation.SelectionSet = this.parseRequiredSelectionSet();
      return operation;
    }
    operation.Operation = this.parseOperationType();
    if (this.peek().kind === 'Name') operation.Name = this.next().value;
    operation.VariableDefinitions = this.parseVariableDefinitions();
    operation.Directives = this.parseDirectives(false);
    operation.SelectionSet = this.parseRequiredSelectionSet();
    return operation;
  }

  private parseOperationType(): string {
    const token = this.next();
    if (token.value === 'query' || token.value === 'mutation' || token.value === 'subscription') return token.value;
    return this.unexpected(token);
  }

  private parseVariableDefinitions(): VariableDefinition[] {
    const definitions: VariableDefinition[] = [];
    this.many('ParenL', 'ParenR', () => definitions.push(this.parseVariableDefinition()));
    return definitions;
  }

  private parseVariableDefinition(): VariableDefinition {
    const Position = this.peekPosition();
    const Variable = this.parseVariable();
    this.expect('Colon');
    const Type = this.parseTypeReference();
    const DefaultValue = this.skip('Equals') ? this.parseValueLiteral(true) : null;
    const Directives = this.parseDirectives(false);
    return { Variable, Type, DefaultValue, Directives, Position, Definition: null, Used: false };
  }

  private parseVariable(): string {
    this.expect('Dollar');
    return this.parseName();
  }

  private parseSelections(): Selection[] {
    const selections: Selection[] = [];
    this.some('BraceL', 'BraceR', () => selections.push(this.parseSelection()));
    return selections;
  }

  private parseRequiredSelectionSet(): Selection[] {
    const token = this.peek();
    if (token.kind !== 'BraceL') this.fail(token, `Expected {, found ${TOKEN_TEXT[token.kind]}`);
    return this.parseSelections();
  }

  private parseSelection(): Selection {
    return this.peek().kind === 'Spread' ? this.parseFragment() : this.parseField();
  }

  private parseField(): Field {
    const Position = this.peekPosition();
    const Alias = this.parseName();
    const Name = this.skip('Colon') ? this.parseName() : Alias;
    const Arguments = this.parseArguments(false);
    const Directives = this.parseDirectives(false);
    const SelectionSet = this.peek().kind === 'BraceL' ? this.parseSelections() : [];
    return { kind: 'Field', Alias, Name, Arguments, Directives, SelectionSet, Position, Definition: null, ObjectDefinition: null };
  }

  private parseArguments(isConst: boolean): Argument[] {
    const args: Argument[] = [];
    this.many('ParenL', 'ParenR', () => args.push(this.parseArgument(isConst)));
    return args;
  }

  private parseArgument(isConst: boolean): Argument {
    const Position = this.peekPosition();
    const Name = this.parseName();
    this.expect('Colon');
    return { Name, Value: this.parseValueLiteral(isConst), Position };
  }

  private parseFragment(): Selection {
    this.expect('Spread');
    const token = this.peek();
    if (token.kind === 'Name' && token.value !== 'on') {
      const Position = this.peekPosition();
      const Name = this.parseFragmentName();
      const Directives = this.parseDirectives(false);
      return { kind: 'FragmentSpread', Name, Directives, Position, ObjectDefinition: null, Definition: null };
    }
    const fragment: InlineFragment = {
      kind: 'InlineFragment',
      TypeCondition: '',
      Directives: [],
      SelectionSet: [],
      Position: this.peekPosition(),
      ObjectDefinition: null,
    };
    // gqlparser tests only the text here, so any token reading "on" starts a type condition.
    if (this.peek().value === 'on') {
      this.next();
      fragment.TypeCondition = this.parseName();
    }
    fragment.Directives = this.parseDirectives(false);
    fragment.SelectionSet = this.parseRequiredSelectionSet();
    return fragment;
  }

  private parseFragmentDefinition(): FragmentDefinition {
    const Position = this.peekPosition();
    this.expectKeyword('fragment');
    const Name = this.parseFragmentName();
    const VariableDefinition = this.parseVariableDefinitions();
    this.expectKeyword('on');
    const TypeCondition = this.parseName();
    const Directives = this.parseDirectives(false);
    const SelectionSet = this.parseRequiredSelectionSet();
    return { Name, VariableDefinition, TypeCondition, Directives, SelectionSet, Position, Definition: null };
  }

  private parseFragmentName(): string {
    if (this.peek().value === 'on') this.unexpected();
    return this.parseName();
  }

  private parseValueLiteral(isConst: boolean): ValueNode {
    const token = this.peek();
    let kind: number;
    switch (token.kind) {
      case 'BracketL':
        return this.parseList(isConst);
      case 'BraceL':
        return this.parseObject(isConst);
      case 'Dollar':
        if (isConst) this.unexpected();
        return newValue(ValueKind.Variable, this.parseVariable(), token.position);
      case 'Int':
        kind = ValueKind.Int;
        break;
      case 'Float':
        kind = ValueKind.Float;
        break;
      case 'String':
        kind = ValueKind.String;
        break;
      case 'BlockString':
        kind = ValueKind.Block;
        break;
      case 'Name':
        kind = token.value === 'true' || token.value === 'false' ? ValueKind.Boolean : token.value === 'null' ? ValueKind.Null : ValueKind.Enum;
        break;
      default:
        return this.unexpected();
    }
    this.next();
    return newValue(kind, token.value, token.position);
  }

  private parseList(isConst: boolean): ValueNode {
    const list = newValue(ValueKind.List, '', this.peekPosition());
    this.many('BracketL', 'BracketR', () => list.Children.push({ Name: '', Value: this.parseValueLiteral(isConst), Position: null }));
    return list;
  }

  private parseObject(isConst: boolean): ValueNode {
    const object = newValue(ValueKind.Object, '', this.peekPosition());
    this.many('BraceL', 'BraceR', () => object.Children.push(this.parseObjectField(isConst)));
    return object;
  }

  private parseObjectField(isConst: boolean): ChildValue {
    const Position = this.peekPosition();
    const Name = this.parseName();
    this.expect('Colon');
    return { Name, Value: this.parseValueLiteral(isConst), Position };
  }

  private parseDirectives(isConst: boolean): Directive[] {
    const directives: Directive[] = [];
    while (this.peek().kind === 'At') directives.push(this.parseDirective(isConst));
    return directives;
  }

  private parseDirective(isConst: boolean): Directive {
    this.expect('At');
    const Position = this.peekPosition();
    const Name = this.parseName();
    const Arguments = this.parseArguments(isConst);
    return { Name, Arguments, Position, ParentDefinition: null, Definition: null, Location: '' };
  }

  private parseTypeReference(): TypeRef {
    const type: TypeRef = { NamedType: '', Elem: null, NonNull: false, Position: null };
    if (this.skip('BracketL')) {
      type.Position = this.peekPosition();
      type.Elem = this.parseTypeReference();
      this.expect('BracketR');
    } else {
      type.Position = this.peekPosition();
      type.NamedType = this.parseName();
    }
    if (this.skip('Bang')) {
      // OPA's copy moves the position past the bang, which is where "Undefined type" errors point.
      type.Position = this.peekPosition();
      type.NonNull = true;
    }
    return type;
  }

  // -------------------------------------------------------------------------------------------
  // Schema documents

  parseSchemaDocument(): SchemaDocument {
    const document: SchemaDocument = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
    while (this.peek().kind !== 'EOF') {
      let description = '';
      if (this.peek().kind === 'BlockString' || this.peek().kind === 'String') description = this.parseDescription();
      const token = this.peek();
      if (token.kind !== 'Name') this.unexpected();
      switch (token.value) {
        case 'scalar':
        case 'type':
        case 'interface':
        case 'union':
        case 'enum':
        case 'input':
          document.Definitions.push(this.parseTypeSystemDefinition(description));
          break;
        case 'schema':
          document.Schema.push(this.parseSchemaDefinition(description));
          break;
        case 'directive':
          document.Directives.push(this.parseDirectiveDefinition(description));
          break;
        case 'extend':
          // Extensions take no description; gqlparser points at the description itself.
          if (description !== '' && this.previous) this.unexpected(this.previous);
          this.parseTypeSystemExtension(document);
          break;
        default:
          this.unexpected();
      }
    }
    return document;
  }

  private parseDescription(): string {
    const token = this.peek();
    if (token.kind !== 'BlockString' && token.kind !== 'String') return '';
    return this.next().value;
  }

  private parseTypeSystemDefinition(description: string): Definition {
    switch (this.peek().value) {
      case 'scalar':
        return this.parseScalarTypeDefinition(description);
      case 'type':
        return this.parseObjectTypeDefinition(description, 'type', 'OBJECT');
      case 'interface':
        return this.parseObjectTypeDefinition(description, 'interface', 'INTERFACE');
      case 'union':
        return this.parseUnionTypeDefinition(description);
      case 'enum':
        return this.parseEnumTypeDefinition(description);
      default:
        return this.parseInputObjectTypeDefinition(description);
    }
  }

  private parseSchemaDefinition(description: string): SchemaDefinition {
    this.expectKeyword('schema');
    const definition: SchemaDefinition = { Description: description, Directives: [], OperationTypes: [], Position: this.peekPosition() };
    definition.Directives = this.parseDirectives(true);
    this.some('BraceL', 'BraceR', () => definition.OperationTypes.push(this.parseOperationTypeDefinition()));
    return definition;
  }

  private parseOperationTypeDefinition(): OperationTypeDefinition {
    const Position = this.peekPosition();
    const Operation = this.parseOperationType();
    this.expect('Colon');
    return { Operation, Type: this.parseName(), Position };
  }

  /** The keyword, then a definition of `kind` positioned at its name, with the name parsed. */
  private startDefinition(keyword: string, kind: string, description: string): Definition {
    this.expectKeyword(keyword);
    const definition = newDefinition(kind, '', this.peekPosition());
    definition.Description = description;
    definition.Name = this.parseName();
    return definition;
  }

  private parseScalarTypeDefinition(description: string): Definition {
    const definition = this.startDefinition('scalar', 'SCALAR', description);
    definition.Directives = this.parseDirectives(true);
    return definition;
  }

  /** Object and interface types share their grammar. */
  private parseObjectTypeDefinition(description: string, keyword: string, kind: string): Definition {
    const definition = this.startDefinition(keyword, kind, description);
    definition.Interfaces = this.parseImplementsInterfaces();
    definition.Directives = this.parseDirectives(true);
    definition.Fields = this.parseFieldsDefinition();
    return definition;
  }

  private parseImplementsInterfaces(): string[] {
    const types: string[] = [];
    if (this.peek().value === 'implements') {
      this.next();
      this.skip('Amp');
      types.push(this.parseName());
      while (this.skip('Amp')) types.push(this.parseName());
    }
    return types;
  }

  private parseFieldsDefinition(): FieldDefinition[] {
    const fields: FieldDefinition[] = [];
    this.some('BraceL', 'BraceR', () => fields.push(this.parseFieldDefinition()));
    return fields;
  }

  private parseFieldDefinition(): FieldDefinition {
    const Position = this.peekPosition();
    const Description = this.parseDescription();
    const Name = this.parseName();
    const Arguments = this.parseArgumentDefinitions();
    this.expect('Colon');
    const Type = this.parseTypeReference();
    const Directives = this.parseDirectives(true);
    return { Description, Name, Arguments, DefaultValue: null, Type, Directives, Position };
  }

  private parseArgumentDefinitions(): ArgumentDefinition[] {
    const args: ArgumentDefinition[] = [];
    this.some('ParenL', 'ParenR', () => args.push(this.parseInputValueDefinition()));
    return args;
  }

  /** An argument definition, or the parts of an input field: name, type, default value and directives. */
  private parseInputValueDefinition(): ArgumentDefinition {
    const Position = this.peekPosition();
    const Description = this.parseDescription();
    const Name = this.parseName();
    this.expect('Colon');
    const Type = this.parseTypeReference();
    const DefaultValue = this.skip('Equals') ? this.parseValueLiteral(true) : null;
    const Directives = this.parseDirectives(true);
    return { Description, Name, DefaultValue, Type, Directives, Position };
  }

  private parseUnionTypeDefinition(description: string): Definition {
    const definition = this.startDefinition('union', 'UNION', description);
    definition.Directives = this.parseDirectives(true);
    definition.Types = this.parseUnionMemberTypes();
    return definition;
  }

  private parseUnionMemberTypes(): string[] {
    const types: string[] = [];
    if (this.skip('Equals')) {
      this.skip('Pipe');
      types.push(this.parseName());
      while (this.skip('Pipe')) types.push(this.parseName());
    }
    return types;
  }

  private parseEnumTypeDefinition(description: string): Definition {
    const definition = this.startDefinition('enum', 'ENUM', description);
    definition.Directives = this.parseDirectives(true);
    definition.EnumValues = this.parseEnumValuesDefinition();
    return definition;
  }

  private parseEnumValuesDefinition(): EnumValueDefinition[] {
    const values: EnumValueDefinition[] = [];
    this.some('BraceL', 'BraceR', () => {
      const Position = this.peekPosition();
      const Description = this.parseDescription();
      const Name = this.parseName();
      values.push({ Description, Name, Directives: this.parseDirectives(true), Position });
    });
    return values;
  }

  private parseInputObjectTypeDefinition(description: string): Definition {
    const definition = this.startDefinition('input', 'INPUT_OBJECT', description);
    definition.Directives = this.parseDirectives(true);
    definition.Fields = this.parseInputFieldsDefinition();
    return definition;
  }

  private parseInputFieldsDefinition(): FieldDefinition[] {
    const fields: FieldDefinition[] = [];
    this.some('BraceL', 'BraceR', () => fields.push({ ...this.parseInputValueDefinition(), Arguments: [] }));
    return fields;
  }

  private parseTypeSystemExtension(document: SchemaDocument): void {
    this.expectKeyword('extend');
    switch (this.peek().value) {
      case 'schema':
        document.SchemaExtension.push(this.parseSchemaExtension());
        break;
      case 'scalar': {
        const definition = this.startDefinition('scalar', 'SCALAR', '');
        definition.Directives = this.parseDirectives(true);
        if (definition.Directives.length === 0) this.unexpected();
        document.Extensions.push(definition);
        break;
      }
      case 'type': {
        const definition = this.startDefinition('type', 'OBJECT', '');
        definition.Interfaces = this.parseImplementsInterfaces();
        definition.Directives = this.parseDirectives(true);
        definition.Fields = this.parseFieldsDefinition();
        if (definition.Interfaces.length === 0 && definition.Directives.length === 0 && definition.Fields.length === 0) this.unexpected();
        document.Extensions.push(definition);
        break;
      }
      case 'interface': {
        // Unlike definitions, gqlparser's interface extensions take no `implements` clause.
        const definition = this.startDefinition('interface', 'INTERFACE', '');
        definition.Directives = this.parseDirectives(true);
        definition.Fields = this.parseFieldsDefinition();
        if (definition.Directives.length === 0 && definition.Fields.length === 0) this.unexpected();
        document.Extensions.push(definition);
        break;
      }
      case 'union': {
        const definition = this.startDefinition('union', 'UNION', '');
        definition.Directives = this.parseDirectives(true);
        definition.Types = this.parseUnionMemberTypes();
        if (definition.Directives.length === 0 && definition.Types.length === 0) this.unexpected();
        document.Extensions.push(definition);
        break;
      }
      case 'enum': {
        const definition = this.startDefinition('enum', 'ENUM', '');
        definition.Directives = this.parseDirectives(true);
        definition.EnumValues = this.parseEnumValuesDefinition();
        if (definition.Directives.length === 0 && definition.EnumValues.length === 0) this.unexpected();
        document.Extensions.push(definition);
        break;
      }
      case 'input': {
        const definition = this.startDefinition('input', 'INPUT_OBJECT', '');
        definition.Directives = this.parseDirectives(false);
        definition.Fields = this.parseInputFieldsDefinition();
        if (definition.Directives.length === 0 && definition.Fields.length === 0) this.unexpected();
        document.Extensions.push(definition);
        break;
      }
      default:
        this.unexpected();
    }
  }

  private parseSchemaExtension(): SchemaDefinition {
    this.expectKeyword('schema');
    const definition: SchemaDefinition = { Description: '', Directives: [], OperationTypes: [], Position: this.peekPosition() };
    definition.Directives = this.parseDirectives(true);
    this.some('BraceL', 'BraceR', () => definition.OperationTypes.push(this.parseOperationTypeDefinition()));
    if (definition.Directives.length === 0 && definition.OperationTypes.length === 0) this.unexpected();
    return definition;
  }

  private parseDirectiveDefinition(description: string): DirectiveDefinition {
    this.expectKeyword('directive');
    this.expect('At');
    const Position = this.peekPosition();
    const Name = this.parseName();
    const Arguments = this.parseArgumentDefinitions();
    let IsRepeatable = false;
    const token = this.peek();
    if (token.kind === 'Name' && token.value === 'repeatable') {
      IsRepeatable = true;
      this.next();
    }
    this.expectKeyword('on');
    const Locations = this.parseDirectiveLocations();
    return { Description: description, Name, Arguments, Locations, IsRepeatable, Position };
  }

  private parseDirectiveLocations(): string[] {
    this.skip('Pipe');
    const locations = [this.parseDirectiveLocation()];
    while (this.skip('Pipe')) locations.push(this.parseDirectiveLocation());
    return locations;
  }

  private parseDirectiveLocation(): string {
    const name = this.expect('Name');
    if (!DIRECTIVE_LOCATIONS.has(name.value)) this.unexpected(name);
    return name.value;
  }
}
