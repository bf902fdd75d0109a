using Npgsql;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.Platform.Academies;
using TatamiTech.Platform.Audit;

namespace TatamiTech.Platform.Clients;

/// <summary>
/// An academy's integrations as the platform role writes them: inside the academy's tenant scope (row-level
/// security binds the platform too), each change in one transaction with its audit record.
/// </summary>
public sealed class ClientStore(AcademyStore academies)
{
    private const string Columns = "client_id, display_name, role, created_at";

    /// <returns>The client with its one-time secret, or null when there is no such academy.</returns>
    public Task<RegisteredClientResponse?> RegisterAsync(
        string slug, string name, string role, string operatorSubject, CancellationToken ct) =>
        InAcademyAsync<RegisteredClientResponse?>(slug, null, async (connection, transaction, academy) =>
        {
            var clientId = ClientSecret.NewClientId();
            var secret = ClientSecret.Generate();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO academy_clients (tenant_id, id, client_id, display_name, secret_hash, role) VALUES ($1, $2, $3, $4, $5, $6)",
                connection,
                transaction)
            {
                Parameters =
                {
                    new() { Value = academy.Id },
                    new() { Value = Guid.CreateVersion7() },
                    new() { Value = clientId },
                    new() { Value = name },
                    new() { Value = ClientSecret.Hash(secret) },
                    new() { Value = role },
                },
            };
            await insert.ExecuteNonQueryAsync(ct);
            await AcademyStore.RecordAsync(
                connection, transaction, new AuditRecord(operatorSubject, AuditActions.RegisterClient, academy, $"client {clientId}"), ct);
            return new RegisteredClientResponse(clientId, secret, name, role, ServicePaths.IdentityToken);
        }, ct);

    /// <returns>The academy's clients, or null when there is no such academy.</returns>
    public Task<IReadOnlyList<ClientResponse>?> ListAsync(string slug, CancellationToken ct) =>
        InAcademyAsync<IReadOnlyList<ClientResponse>?>(slug, null, async (connection, transaction, _) =>
        {
            await using var select = new NpgsqlCommand(
                $"SELECT {Columns} FROM academy_clients ORDER BY created_at, client_id", connection, transaction);
            await using var reader = await select.ExecuteReaderAsync(ct);
            var clients = new List<ClientResponse>();
            while (await reader.ReadAsync(ct))
            {
                clients.Add(new ClientResponse(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }

            return clients;
        }, ct);

    /// <returns>Whether the academy had that client; null when there is no such academy. Its tokens stop at their expiry.</returns>
    public Task<bool?> RevokeAsync(string slug, string clientId, string operatorSubject, CancellationToken ct) =>
        InAcademyAsync<bool?>(slug, null, async (connection, transaction, academy) =>
        {
            await using var delete = new NpgsqlCommand("DELETE FROM academy_clients WHERE client_id = $1", connection, transaction)
            {
                Parameters = { new() { Value = clientId } },
            };
            if (await delete.ExecuteNonQueryAsync(ct) == 0)
            {
                return false;
            }

            await AcademyStore.RecordAsync(
                connection, transaction, new AuditRecord(operatorSubject, AuditActions.RevokeClient, academy, $"client {clientId}"), ct);
            return true;
        }, ct);

    private Task<T> InAcademyAsync<T>(
        string slug, T notFound, Func<NpgsqlConnection, NpgsqlTransaction, AcademyResponse, Task<T>> work, CancellationToken ct) =>
        academies.InTransactionAsync(async (connection, transaction) =>
        {
            if (await academies.FindAsync(connection, transaction, slug, ct) is not { } academy)
            {
                return notFound;
            }

            await using (var enter = TenantSetting.For(connection, transaction, academy.Id))
            {
                await enter.ExecuteNonQueryAsync(ct);
            }

            return await work(connection, transaction, academy);
        }, ct);
}
