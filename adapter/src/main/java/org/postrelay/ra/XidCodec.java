package org.postrelay.ra;

import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.Xid;

/** Xids as the engine's branch strings ({@code formatId:gtrid-hex:bqual-hex}) and back. */
final class XidCodec {

    private static final HexFormat HEX = HexFormat.of();

    private XidCodec() {
    }

    static String encode(Xid xid) {
        return xid.getFormatId() + ":" + HEX.formatHex(xid.getGlobalTransactionId()) + ":"
                + HEX.formatHex(xid.getBranchQualifier());
    }

    static Xid decode(String branch) {
        String[] parts = branch.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a Postrelay transaction branch: " + branch);
        }
        return new DecodedXid(Integer.parseInt(parts[0]), HEX.parseHex(parts[1]), HEX.parseHex(parts[2]));
    }

    /** A recovered Xid; equal to any Xid with the same three parts. */
    record DecodedXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Xid x && x.getFormatId() == formatId
                    && Arrays.equals(x.getGlobalTransactionId(), gtrid) && Arrays.equals(x.getBranchQualifier(), bqual);
        }

        @Override
        public int hashCode() {
            return formatId * 31 + Arrays.hashCode(gtrid);
        }
    }
}
