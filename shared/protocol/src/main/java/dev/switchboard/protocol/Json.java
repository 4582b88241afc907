package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * What every reader and writer of frames shares: one pre-configured Jackson factory (strict about duplicate
 * fields, bounded by the protocol's limits) and the few writing steps they all take.
 */
final class Json {

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Limits.MAX_JSON_DEPTH)
                    .maxStringLength(Limits.MAX_MESSAGE_BYTES)
                    .maxNumberLength(64)
                    .build())
            .build();

    private Json() {
    }

    /** Writes the fields of one JSON object. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** A JSON object holding what {@code fields} writes, as compact text. */
    static String object(Fields fields) {
        return value(g -> {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        });
    }

    /** The one JSON value {@code value} writes, as compact text. */
    static String value(Fields value) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            value.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The value the parser is on, whole and written compactly. */
    static String copyValue(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    /** A {@code data} field: JSON text already checked to be one value, written as it is. */
    static void writeData(JsonGenerator g, String data) throws IOException {
        g.writeFieldName("data");
        g.writeRawValue(data);
    }

    static void writeOptional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    /** An error names a frame or request by its id only when that id is valid, as a decoded one would carry it. */
    static String validIdOrNull(String id) {
        return Limits.isValidId(id) ? id : null;
    }

    /**
     * The text, checked to be exactly one JSON value within the protocol's limits and written compactly: see
     * {@link FrameCodec#requireJsonValue}.
     */
    static String requireValue(String json) {
        if (json == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "data is required", null);
        }
        if (json.length() > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "data exceeds " + Limits.MAX_DATA_BYTES
                    + " bytes", null);
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "data is not a JSON value", null);
            }
            String value = copyValue(p);
            if (p.nextToken() != null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "data holds more than one JSON value", null);
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "data is nested too deeply or holds too long a"
                    + " value", null);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "data is not valid JSON", null);
        }
    }
}
