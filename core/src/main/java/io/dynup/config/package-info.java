/**
 * nginx-syntax configuration: lexer, parser and an immutable AST whose every node knows its file and line.
 *
 * <p>Starting points: {@link io.dynup.config.ConfigParser} reads a file (following {@code include}) into a
 * {@link io.dynup.config.Config} of {@link io.dynup.config.Directive}s, checking each against a declarative
 * {@link io.dynup.config.DirectiveTable} of {@link io.dynup.config.DirectiveSpec}s (core's own are in
 * {@link io.dynup.config.CoreDirectives}); every problem is a {@link io.dynup.config.ConfigException} worded as nginx
 * words it. {@link io.dynup.config.ConfigValues} parses times, sizes and numbers with nginx's rules.
 */
@NullMarked
package io.dynup.config;

import org.jspecify.annotations.NullMarked;
