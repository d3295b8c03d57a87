

package variants
