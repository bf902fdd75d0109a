using System.Linq.Expressions;

namespace TatamiTech.Data.Guard;

/// <summary>The read half of the data guard: the query filter every tenant-owned entity gets.</summary>
internal static class TenantQueryFilter
{
    /// <summary>
    /// <c>e =&gt; ((ITenantOwned)e).TenantId == context.TenantId</c>, with the context kept as an instance
    /// so EF Core turns its tenant into a parameter of each query rather than a constant of the model. With
    /// no tenant in scope the parameter is null, which no row's tenant_id (NOT NULL) equals.
    /// </summary>
    public static LambdaExpression For(Type clrType, TatamiDbContext context)
    {
        var entity = Expression.Parameter(clrType, "e");
        var tenantId = Expression.Property(Expression.Convert(entity, typeof(ITenantOwned)), nameof(ITenantOwned.TenantId));
        var current = Expression.Property(Expression.Constant(context), nameof(TatamiDbContext.TenantId));
        return Expression.Lambda(Expression.Equal(Expression.Convert(tenantId, typeof(Guid?)), current), entity);
    }
}
