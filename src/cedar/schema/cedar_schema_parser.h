// The Cedar schema syntax (`.cedarschema`), exactly as cedar-policy-core's grammar.lalrpop and
// to_json_schema.rs accept it:
//
//   Schema     := {Annotation} ('namespace' Path '{' {{Annotation} Decl} '}' | Decl) ...
//   Decl       := Entity | Action | TypeDecl
//   Entity     := 'entity' Idents ['in' EntTypes] [['='] RecType] ['tags' Type] ';'
//               | 'entity' Idents 'enum' '[' STR {',' STR} ']' ';'
//   Action     := 'action' Names ['in' (QualName | '[' QualName {',' QualName} ']')]
//                 ['appliesTo' '{' AppDecls '}'] ['attributes' '{' '}'] ';'
//   TypeDecl   := 'type' Ident '=' Type ';'
//   AppDecls   := ('principal' | 'resource') ':' EntTypes [',' [AppDecls]]
//               | 'context' ':' (Path | RecType) [',' [AppDecls]]
//   Type       := Path | 'Set' '<' Type '>' | RecType
//   RecType    := '{' [AttrDecls] '}'
//   AttrDecls  := {Annotation} Name ['?'] ':' Type [',' [AttrDecls]]
//   EntTypes   := Path | '[' [Path {',' Path}] ']'
//   QualName   := Name | Path '::' STR
//   Annotation := '@' AnyIdent ['(' STR ')']
//   Name := Ident | STR    Idents := Ident {',' Ident}    Path := Ident {'::' Ident}
//
// Keywords are ordinary identifiers outside their own positions; the reserved words (true,
// false, if, then, else, in, is, like, has) are never identifiers. Strings take Cedar's escapes.
#pragma once

#include <string_view>

#include "cedar/diagnostic.h"
#include "cedar/schema/schema.h"
#include "common/result.h"

namespace eksguard::cedar {

// Parses and validates a schema in the Cedar syntax. Errors carry codes `schema.parse.*` for
// syntax and `schema.*` for meaning, with positions in `text`; warnings end up in
// Schema::warnings().
Result<Schema, Diagnostics> parse_cedar_schema(std::string_view text,
                                               std::string_view file = "<schema>",
                                               const SchemaLimits& limits = {});

}  // namespace eksguard::cedar
