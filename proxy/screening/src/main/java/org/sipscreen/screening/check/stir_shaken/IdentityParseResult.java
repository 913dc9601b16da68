package org.sipscreen.screening.check.stir_shaken;

/** The outcome of {@link IdentityHeader#parse}: a well-formed header or a {@link Rejection}. */
public sealed interface IdentityParseResult permits IdentityHeader, Rejection {}
