using System.ComponentModel.DataAnnotations;

namespace TatamiTech.Platform.Placement;

/// <param name="Id">The node's id in the cluster's node list: what a move names.</param>
/// <param name="Host">Where the coordinator reaches it.</param>
/// <param name="Port">Its port.</param>
/// <param name="Shards">How many shards of the academies' tables' colocation group it holds.</param>
public sealed record DatabaseNode(int Id, string Host, int Port, long Shards);

/// <param name="Slug">The academy.</param>
/// <param name="ShardId">The shard of <c>students</c> that holds its rows; its other tables' shards go with it.</param>
/// <param name="Isolated">Whether the shard holds this academy alone.</param>
/// <param name="Node">Where the shard lives.</param>
public sealed record AcademyPlacement(string Slug, long ShardId, bool Isolated, DatabaseNode Node);

/// <param name="NodeId">The node to move the academy's shard to (<c>GET /nodes</c>).</param>
public sealed record MoveAcademyRequest([property: Required] int? NodeId);
