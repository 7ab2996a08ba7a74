package io.dynup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SourcePos, ConfigException and Directive on their own. */
class ModelTest {

    private static final SourcePos POS = new SourcePos(Path.of("/etc/dynup/./conf.d/../nginx.conf"), 12);

    @Test
    void sourcePosIsAbsoluteNormalizedAndPrintsLikeNginx() {
        assertThat(POS.file()).isEqualTo(Path.of("/etc/dynup/nginx.conf"));
        assertThat(POS).hasToString("/etc/dynup/nginx.conf:12");
        assertThat(new SourcePos(Path.of("rel.conf"), 1).file()).isAbsolute();
        assertThatThrownBy(() -> new SourcePos(Path.of("/a"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionMessageIsCompleteWithOrWithoutPosition() {
        ConfigException e = ConfigException.at(POS, "unknown directive \"%s\"", "foo");
        assertThat(e).hasMessage("unknown directive \"foo\" in /etc/dynup/nginx.conf:12");
        assertThat(e.reason()).isEqualTo("unknown directive \"foo\"");
        assertThat(e.pos()).isEqualTo(POS);

        ConfigException bare = new ConfigException("no \"events\" section in configuration", null);
        assertThat(bare).hasMessage("no \"events\" section in configuration");
        assertThat(bare.pos()).isNull();
    }

    @Test
    void formatArgumentsAreNotReinterpreted() {
        assertThat(ConfigException.at(POS, "invalid value \"%s\"", "100%d")).hasMessageStartingWith("invalid value \"100%d\"");
    }

    @Test
    void directiveCopiesItsLists() {
        List<String> args = new ArrayList<>(List.of("a"));
        List<Directive> block = new ArrayList<>(List.of(Directive.simple("c", List.of(), POS)));
        Directive d = new Directive("d", args, block, null, POS);
        args.add("b");
        block.clear();
        assertThat(d.args()).containsExactly("a");
        assertThat(d.children()).hasSize(1);
        assertThat(d.hasBlock()).isTrue();
        assertThat(d.hasRawBlock()).isFalse();
    }

    @Test
    void directiveHelpers() {
        Directive a1 = Directive.simple("a", List.of("1"), POS);
        Directive b = Directive.simple("b", List.of(), POS);
        Directive a2 = Directive.simple("a", List.of("2"), POS);
        Directive parent = new Directive("p", List.of(), List.of(a1, b, a2), null, POS);
        assertThat(parent.all("a")).containsExactly(a1, a2);
        assertThat(parent.first("a")).contains(a1);
        assertThat(parent.first("z")).isEmpty();
        assertThat(a1.arg(0)).isEqualTo("1");
        assertThatThrownBy(() -> b.arg(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(a1.children()).isEmpty();
        assertThat(a1.all("a")).isEmpty();
    }

    @Test
    void directiveCannotHaveBothBlockKinds() {
        assertThatThrownBy(() -> new Directive("x", List.of(), List.of(), "raw", POS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
