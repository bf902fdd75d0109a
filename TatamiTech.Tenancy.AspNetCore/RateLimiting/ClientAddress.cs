using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TatamiTech.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// Who a budget charges when the caller is not an academy's member: an IPv4 address, or an IPv6 /64. One
/// IPv6 host is given a whole /64 by its provider, so a key per IPv6 address would let it choose a new
/// budget for every request.
/// </summary>
public readonly record struct ClientAddress(ulong Prefix, uint IPv4, ClientAddressFamily Family)
{
    public static readonly ClientAddress Unknown = new(0, 0, ClientAddressFamily.Unknown);

    public static ClientAddress Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork && address.TryWriteBytes(bytes, out _))
        {
            return new(0, BinaryPrimitives.ReadUInt32BigEndian(bytes), ClientAddressFamily.IPv4);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.TryWriteBytes(bytes, out _))
        {
            return new(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0, ClientAddressFamily.IPv6);
        }

        return Unknown;
    }

    /// <summary>As written in logs: <c>203.0.113.7</c>, <c>2001:db8:1:2::/64</c>, <c>unknown</c>.</summary>
    public override string ToString()
    {
        switch (Family)
        {
            case ClientAddressFamily.IPv4:
                Span<byte> v4 = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(v4, IPv4);
                return new IPAddress(v4).ToString();
            case ClientAddressFamily.IPv6:
                Span<byte> v6 = stackalloc byte[16];
                BinaryPrimitives.WriteUInt64BigEndian(v6, Prefix);
                return new IPAddress(v6) + "/64";
            default:
                return "unknown";
        }
    }
}

public enum ClientAddressFamily : byte
{
    Unknown,
    IPv4,
    IPv6,
}
