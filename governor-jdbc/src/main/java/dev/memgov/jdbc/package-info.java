/**
 * Governs HikariCP pools: {@link dev.memgov.jdbc.HikariGovernable} shrinks a pool under memory
 * pressure (closing idle connections, lowering the maximum, soft-evicting) and restores it when
 * calm; {@link dev.memgov.jdbc.HikariGovernableMetrics} publishes its size and budget.
 */
package dev.memgov.jdbc;
