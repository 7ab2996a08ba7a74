/**
 * nginx-syntax configuration: lexer, parser and an immutable AST whose every node knows its file and line.
 *
 * <p>Starting points: {@link io.dynup.config.ConfigParser} reads a file (following {@code include}) into
 * {@link io.dynup.config.Directive}s, checking each against a declarative {@link io.dynup.config.DirectiveTable};
 * every problem is a {@link io.dynup.config.ConfigException} worded as nginx words it.
 */
@NullMarked
package io.dynup.config;

import org.jspecify.annotations.NullMarked;
