package io.dynup.stream;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;
import io.dynup.net.Cidr;

/**
 * nginx's {@code ngx_stream_access_module}: {@code allow}/{@code deny} rules in config order, the first rule
 * whose block holds the client's address decides, and an address no rule names is allowed. A server without
 * rules of its own takes those of {@code stream {}}, the whole list, as nginx merges them.
 */
final class AccessRules {

    private static final Logger logger = LoggerFactory.getLogger(AccessRules.class);

    static final AccessRules NONE = new AccessRules(List.of());

    /** @param block null for {@code all} */
    private record Rule(@Nullable Cidr block, boolean allow) {
    }

    private final List<Rule> rules;

    private AccessRules(List<Rule> rules) {
        this.rules = rules;
    }

    /** The {@code allow}/{@code deny} children of {@code block}, or {@code inherited} when it has none. */
    static AccessRules bind(List<Directive> children, AccessRules inherited) {
        List<Rule> rules = new ArrayList<>();
        for (Directive d : children) {
            if (!d.name().equals("allow") && !d.name().equals("deny")) {
                continue;
            }
            String arg = d.arg(0);
            Cidr block = null;
            if (!arg.equals("all")) {
                block = Cidr.parse(arg);
                if (block == null) {
                    throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", arg);
                }
                if (block.hadLowBits()) {
                    logger.warn("low address bits of {} are meaningless in {}", arg, d.pos());
                }
            }
            rules.add(new Rule(block, d.name().equals("allow")));
        }
        return rules.isEmpty() ? inherited : new AccessRules(List.copyOf(rules));
    }

    boolean allows(InetAddress client) {
        for (Rule r : rules) {
            if (r.block == null || r.block.contains(client)) {
                return r.allow;
            }
        }
        return true;
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }
}
