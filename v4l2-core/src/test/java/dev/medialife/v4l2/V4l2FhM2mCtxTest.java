package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import org.junit.jupiter.api.Test;

/** {@code fh->m2m_ctx}: the slot the mem2mem ioctl helpers read. */
@Sanitized
class V4l2FhM2mCtxTest {
  @Test
  void theM2mContextSlotStartsEmptyAndKeepsWhatTheDriverSets() {
    Allocation a = Kmem.kzalloc("drv_fh", "fh");
    assertNotNull(a);
    V4l2Fh fh = new V4l2Fh(a);
    assertNull(fh.m2mCtx());
    Object ctx = new Object();
    fh.setM2mCtx(ctx);
    assertSame(ctx, fh.m2mCtx());
    fh.setM2mCtx(null);
    assertNull(fh.m2mCtx());
    Kmem.kfree(a);
  }
}
