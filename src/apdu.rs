//! Command and response APDUs (ISO/IEC 7816-4), status words, and the exchange rules every
//! command shares.
