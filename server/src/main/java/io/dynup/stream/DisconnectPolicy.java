package io.dynup.stream;

import org.jspecify.annotations.Nullable;

import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * The maintained dynamic-upstream module's stream upstream flags: when open connections to a peer are cut.
 *
 * <p>The reference checks them on each write, at most once a second, so a quiet connection is never cut and a
 * backup picked while the primaries are failing or full (but not down) is cut at its first write. dynup acts on the
 * change itself: when an upstream change makes the rule true, the affected connections close at once.
 *
 * @param backupIfPrimaryUp {@code disconnect_backup_if_primary_up}: a connection to a backup peer closes when a
 *     primary comes up again (set up, or added, not marked down)
 * @param ifDown {@code disconnect_if_market_down} (the module's spelling): a peer's connections close when it
 *     is marked down, by an operator or a health check
 * @param onExiting {@code disconnect_on_exiting}: connections close on reload and quit instead of draining
 */
record DisconnectPolicy(boolean backupIfPrimaryUp, boolean ifDown, boolean onExiting) {

    static final DisconnectPolicy NONE = new DisconnectPolicy(false, false, false);

    /** The directive whose rule tells a connection to {@code peer} to close after the change, else null. */
    @Nullable String reasonToClose(UpstreamSnapshot before, UpstreamSnapshot after, PeerState peer) {
        if (ifDown) {
            for (Peer p : after.all()) {
                if (p.state() == peer && p.spec().down()) {
                    return "disconnect_if_market_down";
                }
            }
        }
        if (backupIfPrimaryUp && isBackup(after, peer)) {
            for (Peer p : after.primary()) {
                if (!p.spec().down() && !isUpPrimary(before, p.state())) {
                    return "disconnect_backup_if_primary_up";
                }
            }
        }
        return null;
    }

    private static boolean isBackup(UpstreamSnapshot s, PeerState peer) {
        for (Peer p : s.backup()) {
            if (p.state() == peer) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUpPrimary(UpstreamSnapshot s, PeerState peer) {
        for (Peer p : s.primary()) {
            if (p.state() == peer) {
                return !p.spec().down();
            }
        }
        return false;
    }
}
