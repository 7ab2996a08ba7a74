package io.dynup.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * JSON in and out for the admin API, on Jackson's streaming core. Request bodies become plain maps, lists,
 * strings, numbers, booleans and nulls, with bounds a hostile client cannot get past: the body size is checked
 * before parsing, nesting is limited to {@link #MAX_DEPTH}, and duplicate keys are refused (a second
 * {@code "weight"} must not silently win).
 */
final class Json {

    /** A server object inside a batch inside an array is three levels; this leaves room and no more. */
    static final int MAX_DEPTH = 8;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /** Writes one value. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** Parses a complete body; a JSON null is kept as {@code null}. */
    static @Nullable Object parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(415, "JsonError", "empty body (expected: a JSON object)");
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            Object value = read(p, p.nextToken());
            if (p.nextToken() != null) {
                throw new ApiException(415, "JsonError", "unexpected data after the JSON value at "
                                       + p.currentLocation().getCharOffset());
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new ApiException(400, "JsonError", "JSON nested deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            throw new ApiException(415, "JsonError", "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
    }

    private static @Nullable Object read(JsonParser p, @Nullable JsonToken t) throws IOException {
        if (t == null) {
            throw new ApiException(415, "JsonError", "invalid JSON: no value");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, @Nullable Object> map = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
                    String name = p.currentName();
                    map.put(name, read(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<@Nullable Object> list = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    list.add(read(p, n));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                // beyond a long: kept as its digits, which every range check refuses by name
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText()
                        : p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new ApiException(415, "JsonError", "invalid JSON: unexpected " + t);
        }
    }

    /** Writes maps as objects, lists as arrays, and strings, numbers and booleans as they are. */
    static void value(JsonGenerator g, @Nullable Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(e.getKey().toString());
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                value(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v == null) {
            g.writeNull();
        } else {
            g.writeString(v.toString());
        }
    }

    /** The UTF-8 bytes {@code writer} produces. */
    static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to write
        }
        return out.toByteArray();
    }
}
