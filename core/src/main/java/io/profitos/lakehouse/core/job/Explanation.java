package io.profitos.lakehouse.core.job;

/** What a job would find to do now ({@link LakehouseJob#explain}): whether it has work, and why, in one line. */
public record Explanation(boolean hasWork, String why) {}
